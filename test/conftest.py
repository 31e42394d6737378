"""Fixtures shared by every test: a real ROS master, the rospy client, launch files and processes.

- ros_master (session): roscore on a free port with its own ROS_HOME; ROS_MASTER_URI exported.
- rospy_node (session): rospy.init_node in the pytest process; returns the rospy module.
- run_dir: a fresh directory per test, exported as TERRY_RUN_DIR (simulated devices' pty links).
- ros_process: factory starting any command with the test's ROS environment.
- roslaunch: factory running `roslaunch terry <file> key:=value ...`.
Processes are stopped at teardown even when the test fails; their output is attached to failures.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from harness import Master, Process, ProcessGroup, ros_environment


@pytest.fixture(scope="session")
def ros_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Master]:
    master = Master(tmp_path_factory.mktemp("ros_home"))
    saved = {key: os.environ.get(key) for key in master.env}
    os.environ.update(
        {key: master.env[key] for key in ("ROS_MASTER_URI", "ROS_HOME", "ROS_LOG_DIR")}
    )
    os.environ["ROS_HOSTNAME"] = "localhost"
    yield master
    master.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def rospy_node(ros_master: Master):
    import rospy

    rospy.init_node("pytest", anonymous=True, disable_signals=True)
    return rospy


@pytest.fixture
def run_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "run"
    path.mkdir()
    monkeypatch.setenv("TERRY_RUN_DIR", str(path))
    return path


@pytest.fixture
def process_group(ros_master: Master, run_dir: Path) -> Iterator[ProcessGroup]:
    env = ros_environment(ros_master.uri, ros_master.home, run_dir)
    log_dir = run_dir / "logs"
    log_dir.mkdir()
    group = ProcessGroup(env, log_dir)
    yield group
    group.stop_all()


@pytest.fixture
def ros_process(process_group: ProcessGroup) -> Callable[..., Process]:
    """Start a command with the test's ROS environment: ros_process("rostopic", "pub", ...)."""
    return process_group.start


@pytest.fixture
def roslaunch(process_group: ProcessGroup) -> Callable[..., Process]:
    """Start `roslaunch terry <launch_file> key:=value ...` (a path works too)."""

    def launch(launch_file: str, **args: object) -> Process:
        target = ["terry", launch_file] if "/" not in launch_file else [launch_file]
        argv = ["roslaunch", *target, *(f"{key}:={value}" for key, value in args.items())]
        return process_group.start(*argv)

    return launch


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attach the output of every process a failing test started to its report."""
    report = yield
    group = getattr(item, "funcargs", {}).get("process_group")
    if report.failed and group is not None:
        report.sections.append(("processes", group.report()))
    return report
