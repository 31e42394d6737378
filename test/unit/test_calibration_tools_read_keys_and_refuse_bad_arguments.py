"""The calibration tools' command lines without ROS: on a terminal the servo tool reads one key at
a time (Enter accepts) and from a pipe one command a line (an empty line accepts, the end of
input quits); nonsense arguments are refused before anything starts."""

from __future__ import annotations

import io
import os

import pytest

from terry.bringup import calibrate_imu, calibrate_odom, calibrate_servos
from terry.calibration.prompts import Keys, Quit, ask


def test_keys_on_a_terminal_are_read_one_at_a_time_and_enter_accepts(capsys):
    master, slave = os.openpty()
    with open(slave, closefd=True) as terminal:
        keys = Keys(terminal)
        assert keys.terminal
        os.write(master, b"+")
        assert keys.ask("step> ") == "+"
        os.write(master, b"\r")
        assert keys.ask("step> ") == "y"
    os.close(master)
    assert "step> " in capsys.readouterr().out


def test_keys_from_a_pipe_are_one_command_a_line_and_the_end_quits(capsys):
    keys = Keys(io.StringIO(">\n\nq\n"))
    assert [keys.ask("?"), keys.ask("?"), keys.ask("?")] == [">", "y", "q"]
    with pytest.raises(Quit):
        keys.ask("?")
    lines = io.StringIO("0.98\n")
    assert ask("How far?", lines) == "0.98"
    with pytest.raises(EOFError):
        ask("How far?", lines)
    assert capsys.readouterr().out.splitlines() == ["?"] * 4 + ["How far?"] * 2, "prompts end lines"


@pytest.mark.parametrize(
    ("tool", "argv"),
    [
        (calibrate_odom, ["--distance", "-1"]),
        (calibrate_odom, ["--distance", "nan"]),
        (calibrate_odom, ["--turns", "50"]),
        (calibrate_odom, ["--runs", "3"]),
        (calibrate_imu, ["--samples", "5"]),
        (calibrate_servos, ["--joints", "arm_knee"]),
        (calibrate_servos, ["--joints", ","]),
    ],
)
def test_nonsense_arguments_are_refused_before_anything_starts(tool, argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        tool.parse(["tool", *argv])
    assert stopped.value.code == 2
    assert "error" in capsys.readouterr().err
