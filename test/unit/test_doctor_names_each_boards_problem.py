"""The doctor tells each simulated board apart, and names what is wrong with a port: another
protocol version (with the flash command), a port another process holds (with its pid), a
silent port, a missing one; the command's exit code and its one-line summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fixtures.harness import wait_for

from terry.bringup import boards
from terry.bringup.findings import OK, PROBLEM, WARN
from terry.link import messages as m
from terry.sim.pty import PseudoSerial

ROOT = Path(__file__).resolve().parents[2]


def test_the_simulated_base_board_is_named_with_its_versions_and_free_ram(served_board):
    finding = boards.check_port(str(served_board.link))
    assert finding.level == OK, finding
    assert finding.text.startswith(f"base firmware v1, protocol v{m.PROTOCOL_VERSION}")
    assert "1400 B free RAM" in finding.text


def test_the_real_pan_tilt_firmware_is_named(pan_board):
    wait_for(pan_board.link.exists, what="the pan/tilt board's pty")
    finding = boards.check_port(str(pan_board.link))
    assert finding.level == OK, finding
    assert finding.text.startswith("pan/tilt firmware")


def test_an_older_protocol_is_a_mismatch_with_the_flash_command(other_protocol_board):
    finding = boards.check_port(str(other_protocol_board))
    assert finding.level == PROBLEM
    assert "protocol mismatch" in finding.text and "protocol v0" in finding.text
    assert "avrdude" in finding.fix and "base.hex" in finding.fix
    assert str(other_protocol_board) in finding.fix


def test_a_port_held_by_another_process_names_that_process(served_board, port_holder):
    pid = port_holder(served_board.link)
    finding = boards.check_port(str(served_board.link))
    assert finding.level == PROBLEM
    assert "busy" in finding.text and f"pid {pid}" in finding.text
    assert f"kill {pid}" in finding.fix


def test_a_silent_port_and_a_missing_one_are_named(tmp_path):
    with PseudoSerial(tmp_path / "silent") as _port:
        silent = boards.check_port(str(tmp_path / "silent"), timeout=0.5)
    assert silent.level == PROBLEM and "sent nothing" in silent.text
    missing = boards.check_port(str(tmp_path / "nothing"), timeout=0.5)
    assert missing.level == PROBLEM and "no such port" in missing.text


def test_boards_not_found_are_listed():
    base_ok = boards.judge(
        "p", "p", m.HelloReply(m.PROTOCOL_VERSION, m.FIRMWARE_BASE, 1, 1, 999, 1)
    )
    names = {f.check for f in boards.missing_boards([base_ok])}
    assert names == {"pan/tilt board", "IMU board", "maestro"}


def test_low_free_ram_and_unknown_firmware_are_flagged():
    low = m.HelloReply(m.PROTOCOL_VERSION, m.FIRMWARE_IMU, 1, 115200, 50, 100)
    assert boards.judge("p", "p", low).level == WARN
    unknown = m.HelloReply(m.PROTOCOL_VERSION, 99, 1, 115200, 1000, 0)
    assert boards.judge("p", "p", unknown).level == PROBLEM


def run_doctor(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.pop("ROS_MASTER_URI", None)
    command = [sys.executable, str(ROOT / "scripts" / "doctor"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_doctor_exits_nonzero_on_a_problem_and_prints_a_summary(
    served_board, other_protocol_board, tmp_path
):
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    good = run_doctor("--by-id", str(by_id), "--port", str(served_board.link))
    assert good.returncode == 0, good.stdout
    assert good.stdout.splitlines()[-1].startswith("terry doctor: 0 problem(s)")
    bad = run_doctor("--by-id", str(by_id), "--port", str(other_protocol_board))
    assert bad.returncode == 1
    summary = bad.stdout.splitlines()[-1]
    assert summary.startswith("terry doctor: 1 problem(s)")
    assert "old_base=PROBLEM (base v1 p0 1400 B)" in summary
