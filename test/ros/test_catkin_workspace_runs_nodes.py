"""The package builds with catkin_make, and rosrun/roslaunch find its nodes from that workspace."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from fixtures.harness import REPO

NODES = sorted(p.name for p in (REPO / "scripts").iterdir() if os.access(p, os.X_OK))


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    ws = tmp_path_factory.mktemp("catkin_ws")
    (ws / "src").mkdir()
    (ws / "src" / "terry").symlink_to(REPO)
    # A user's shell: Debian's ROS, no project venv and no ROS_PACKAGE_PATH pointing at the repo.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROS_", "PYTHON"))}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    built = bash("catkin_make -DPYTHON_EXECUTABLE=/usr/bin/python3", ws, env)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return ws, env


def test_catkin_make_builds_and_rospack_finds_terry(workspace):
    ws, env = workspace
    found = bash("source devel/setup.bash && rospack find terry", ws, env)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).resolve() == REPO


def test_workspace_python_imports_terry_from_devel_space(workspace):
    ws, env = workspace
    imported = bash(
        "source devel/setup.bash && /usr/bin/python3 -c 'import terry.paths as p; "
        'print(p.package_file("package.xml"))\'',
        ws,
        env,
    )
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).resolve() == REPO / "package.xml"


@pytest.mark.parametrize(
    "launch_file", ["sim.launch", "terry.launch", "arm.launch", "dashboard.launch"]
)
def test_roslaunch_resolves_launch_files_from_the_workspace(workspace, launch_file):
    ws, env = workspace
    listed = bash(f"source devel/setup.bash && roslaunch --nodes terry {launch_file}", ws, env)
    assert listed.returncode == 0, listed.stdout + listed.stderr


def test_rosrun_finds_every_node_script(workspace):
    ws, env = workspace
    assert NODES
    for node in NODES:
        found = bash(f"source devel/setup.bash && rosrun --prefix echo terry {node}", ws, env)
        assert found.returncode == 0, f"{node}: {found.stderr}"
        # catkin_install_python puts a relay to scripts/NODE in the devel space
        path = Path(found.stdout.strip())
        assert path.name == node and path.is_file(), found.stdout
