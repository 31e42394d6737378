"""Real-ROS test harness: a master on a free port, real nodes in their own process groups.

Every process a test starts runs in its own session (process group) and is stopped at teardown,
first politely (SIGINT, as Ctrl-C would), then by force. Each master has its own ROS_HOME and log
directory, so two test runs on one machine never see each other.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition", interval=0.05
) -> Any:
    """Poll predicate until it returns something truthy; return that, or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.1f} s waiting for {what}")
        time.sleep(interval)


def ros_environment(master_uri: str, ros_home: Path, run_dir: Path | None = None) -> dict[str, str]:
    """The environment a user gets from tools/env.sh, pointed at this test's master."""
    env = dict(os.environ)
    venv_bin = REPO / ".venv" / "bin"
    env["PATH"] = f"{venv_bin}:{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env["ROS_PACKAGE_PATH"] = os.pathsep.join(
        filter(None, [str(REPO), env.get("ROS_PACKAGE_PATH")])
    )
    env["ROS_MASTER_URI"] = master_uri
    env["ROS_HOME"] = str(ros_home)
    env["ROS_LOG_DIR"] = str(ros_home / "log")
    env["ROS_HOSTNAME"] = "localhost"
    env["ROS_PYTHON_VERSION"] = "3"
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("ROSLIBPY_TRANSPORT", "asyncio")
    if run_dir is not None:
        env["TERRY_RUN_DIR"] = str(run_dir)
    return env


def _die_with_parent() -> None:
    """In the child: be sent SIGTERM if the test runner dies, so nothing outlives it."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Process:
    """A command in its own process group, its output kept in a log file."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], log_path: Path) -> None:
        self.argv = list(argv)
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            self.argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for the process to end by itself; fail with its output if it does not."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{' '.join(self.argv)} still running after {timeout} s:\n{self.output()}"
            ) from None

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self, grace: float = 8.0) -> None:
        """Ctrl-C the whole group, then SIGTERM, then SIGKILL; nothing of it is left behind."""
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
            if self._group_gone():
                break
            self.signal_group(sig)
            deadline = time.monotonic() + wait
            while not self._group_gone() and time.monotonic() < deadline:
                time.sleep(0.05)
        self._log.close()

    def _group_gone(self) -> bool:
        self.popen.poll()  # reap the leader, or the group looks alive through its zombie
        try:
            os.killpg(self.popen.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def __repr__(self) -> str:
        return f"Process({' '.join(self.argv)!r}, pid={self.popen.pid})"


class Master:
    """A real ROS master (roscore: rosmaster and rosout) on a free port with its own ROS_HOME."""

    def __init__(self, home: Path) -> None:
        self.port = free_port()
        self.uri = f"http://localhost:{self.port}/"
        self.home = home
        (home / "log").mkdir(parents=True, exist_ok=True)
        self.env = ros_environment(self.uri, home)
        self.process = Process(["roscore", "-p", str(self.port)], self.env, home / "roscore.log")
        wait_for(self._up, timeout=30, what=f"roscore on port {self.port}")

    def _up(self) -> bool:
        if not self.process.alive:
            raise RuntimeError(f"roscore exited:\n{self.process.output()}")
        try:
            code, _, _ = xmlrpc.client.ServerProxy(self.uri).getPid("/harness")
        except OSError:
            return False
        return code == 1

    def stop(self) -> None:
        self.process.stop()


class ProcessGroup:
    """The processes one test started; all stopped at teardown, in reverse order."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: list[Process] = []
        self._lock = threading.Lock()

    def start(self, *argv: str, env: dict[str, str] | None = None) -> Process:
        with self._lock:
            index = len(self.processes)
            name = Path(argv[0]).name if argv[0] != "roslaunch" else "roslaunch"
            log_path = self.log_dir / f"{index:02d}-{name}.log"
            process = Process(argv, {**self.env, **(env or {})}, log_path)
            self.processes.append(process)
            return process

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def report(self) -> str:
        """Every process's output, for a failing test's report."""
        return "\n".join(f"--- {p.argv} ---\n{p.output()[-4000:]}" for p in self.processes)


class Recorder:
    """Collect the messages published on a topic (a real rospy subscriber).

    `accept` keeps only the messages it returns true for: several nodes publish /joint_states,
    each with its own joints."""

    def __init__(
        self,
        topic: str,
        msg_type: type,
        queue_size: int = 1000,
        accept: Callable[[Any], bool] | None = None,
    ) -> None:
        import rospy

        self.messages: list[Any] = []
        self._accept = accept
        self._lock = threading.Lock()
        self._sub = rospy.Subscriber(topic, msg_type, self._store, queue_size=queue_size)

    def _store(self, msg: Any) -> None:
        if self._accept is not None and not self._accept(msg):
            return
        with self._lock:
            self.messages.append(msg)

    def snapshot(self) -> list[Any]:
        with self._lock:
            return list(self.messages)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def wait_count(self, count: int, timeout: float = 10.0) -> list[Any]:
        wait_for(lambda: len(self.messages) >= count, timeout, f"{count} messages on {self.topic}")
        return self.snapshot()

    def wait_any(self, timeout: float) -> list[Any]:
        """The messages so far, waiting up to `timeout` s for the first; [] if none came."""
        deadline = time.monotonic() + timeout
        while not self.messages and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.snapshot()

    @property
    def topic(self) -> str:
        return self._sub.name

    def close(self) -> None:
        self._sub.unregister()
