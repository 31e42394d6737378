"""Where Terry's package files live, from a source checkout or an installed catkin package."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def package_root() -> Path:
    """The directory holding Terry's package.xml (urdf/, config/, launch/, web/ beside it)."""
    source = Path(__file__).resolve().parents[2]
    if (source / "package.xml").is_file():
        return source
    import rospkg  # installed catkin package: ask ROS where its share directory is

    return Path(rospkg.RosPack().get_path("terry"))


def package_file(*parts: str) -> Path:
    """A file inside the package, for example package_file("urdf", "terry.urdf")."""
    return package_root().joinpath(*parts)
