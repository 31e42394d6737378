"""`./run board flash NAME` builds the sketch, uploads it with the real avrdude through a simulated
Uno's bootloader (STK500 v1 on a pty; Debian's avrdude 7.1 has no dryrun programmer), which must
then hold every byte of the built hex, and checks the handshake of the board that starts; it
refuses an unknown board name and a missing port before anything runs, and says when the board
answers as another firmware than the one flashed. The doctor offers the command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fixtures.harness import REPO
from fixtures.optiboot import Optiboot

from terry.bringup import boards, flash
from terry.link import messages as m


@pytest.fixture
def uno(tmp_path):
    board = Optiboot(tmp_path / "uno")
    yield board
    board.stop()


def run_flash(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    command = [sys.executable, "-m", "terry.bringup.flash", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def test_the_avrdude_command_is_an_arduino_bootloader_upload_of_the_hex(tmp_path):
    command = flash.avrdude_command("/dev/serial/by-id/usb-x", tmp_path / "base.hex")
    assert command == [
        "avrdude",
        *("-p", "atmega328p", "-c", "arduino", "-P", "/dev/serial/by-id/usb-x", "-b", "115200"),
        "-D",
        *("-U", f"flash:w:{tmp_path / 'base.hex'}:i"),
    ]
    old_nano = flash.avrdude_command("/dev/ttyUSB0", tmp_path / "imu.hex", baud=57600)
    assert old_nano[old_nano.index("-b") + 1] == "57600"


def test_a_board_named_by_its_by_id_name_is_flashed_and_answers(uno, tmp_path):
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    (by_id / "usb-Arduino__www.arduino.cc__Uno_8573-if00").symlink_to(uno.link)
    done = run_flash(
        "base", "--port", "usb-Arduino__www.arduino.cc__Uno_8573-if00", "--by-id", str(by_id)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "$ avrdude -p atmega328p -c arduino -P " in done.stdout
    assert "bytes of flash verified" in done.stdout
    assert uno.pages_written > 10 and uno.holds(flash.hex_file("base"))
    assert "[     ok]" in done.stdout and "base firmware v1" in done.stdout
    assert f"protocol v{m.PROTOCOL_VERSION}" in done.stdout


def test_a_board_that_answers_as_another_firmware_is_a_problem(uno):
    done = run_flash("pan-tilt", "--port", str(uno.link))
    assert uno.holds(flash.hex_file("pan_tilt"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flashed pan_tilt, but it answers as the base firmware" in done.stdout


def test_an_unknown_board_or_a_missing_port_is_refused_before_anything_runs(tmp_path):
    unknown = run_flash("wheels", "--port", str(tmp_path / "nothing"))
    assert unknown.returncode == 2
    assert "unknown board 'wheels': Terry's boards are base, pan_tilt, imu" in unknown.stderr
    assert "avrdude" not in unknown.stdout
    missing = run_flash("imu", "--port", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "no such port" in missing.stderr
    empty = tmp_path / "by-id"
    empty.mkdir()
    unnamed = run_flash("base", "--by-id", str(empty))
    assert unnamed.returncode == 2 and "name its port" in unnamed.stderr


def test_the_doctors_protocol_mismatch_offers_the_flash_command():
    old = m.HelloReply(m.PROTOCOL_VERSION - 1, m.FIRMWARE_PAN_TILT, 1, 115200, 1200, 22000)
    finding = boards.judge("usb-x", "/dev/serial/by-id/usb-x", old)
    assert "protocol mismatch" in finding.text
    assert "./run board flash pan_tilt --port /dev/serial/by-id/usb-x" in finding.fix
