"""The ROS packages Debian lacks (navigation, gmapping, depthimage_to_laserscan, control_msgs,
freenect_camera), from the catkin overlay that `./run setup` builds (tools/overlay/build) or from
ROS itself (Noetic on Ubuntu), for the tests that need them.

- needs_overlay: a skip marker (`pytestmark = needs_overlay`); the skip is one line saying how
  to get the sources.
- overlay_environment(): the variables tools/env.sh sets with the overlay on the ROS paths, to pass
  as `ros_process(..., env=overlay_environment())`; None when the packages are not there.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
while not (REPO / "package.xml").is_file():  # test/ or a folder under it
    REPO = REPO.parent

PACKAGES = (
    "move_base",
    "amcl",
    "map_server",
    "gmapping",
    "depthimage_to_laserscan",
    "freenect_camera",
    "control_msgs",
)
ENV_KEYS = (
    "PATH",
    "PYTHONPATH",
    "ROS_PACKAGE_PATH",
    "LD_LIBRARY_PATH",
    "CMAKE_PREFIX_PATH",
    "PKG_CONFIG_PATH",
)
SKIP_REASON = (
    "no navigation overlay (move_base, amcl, gmapping, ...): run ./run setup with the sources "
    "(TERRY_THIRDPARTY=folder of the thirdparty *.tar.gz, or shared/thirdparty beside the clone)"
)


@functools.cache
def overlay_environment() -> dict[str, str] | None:
    """tools/env.sh's ROS paths when every package in PACKAGES is found through them, else None."""
    script = "source tools/env.sh && rospack list-names && echo '--env--' && env -0"
    done = subprocess.run(
        ["bash", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        return None
    names, _, env_text = done.stdout.partition("--env--\n")
    if not set(PACKAGES) <= set(names.split()):
        return None
    env = dict(item.split("=", 1) for item in env_text.split("\0") if "=" in item)
    return {key: env[key] for key in ENV_KEYS if key in env}


needs_overlay = pytest.mark.skipif(overlay_environment() is None, reason=SKIP_REASON)
