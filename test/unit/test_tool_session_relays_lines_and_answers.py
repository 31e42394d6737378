"""ToolSession, the dashboard's way to run calibrate_servos: every output line is passed on, the
exit status arrives once, an answer is one line, and stop kills a tool that waits."""

from __future__ import annotations

import os
import queue

import pytest
from fixtures.harness import free_port

from terry.bringup.tool_session import ToolSession

TOOL = "terry.bringup.calibrate_servos"


def run(args: list[str], env: dict[str, str] | None = None):
    lines: queue.Queue[str] = queue.Queue()
    ends: queue.Queue[int] = queue.Queue()
    session = ToolSession(TOOL, args, lines.put, ends.put, env)
    return session, lines, ends


def test_lines_and_the_exit_status_are_passed_on():
    session, lines, ends = run(["--joints", "arm_nose"])
    assert ends.get(timeout=30) == 2  # argparse's refusal
    said = []
    while not lines.empty():
        said.append(lines.get())
    assert any("arm_nose" in line for line in said), said
    assert not session.running
    with pytest.raises(RuntimeError, match="ended"):
        session.send("y")


def test_an_answer_is_one_line_and_stop_kills_a_waiting_tool():
    env = dict(os.environ, ROS_MASTER_URI=f"http://localhost:{free_port()}")  # no master: it waits
    session, _, ends = run(["--joints", "arm_claw"], env)
    try:
        assert session.running
        with pytest.raises(ValueError, match="one answer a line"):
            session.send("y\nq")
        session.send("y")  # taken (it reads it later)
    finally:
        session.stop()
    assert ends.get(timeout=30) != 0
    assert not session.running
