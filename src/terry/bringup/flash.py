"""`./run board flash NAME`: build one of Terry's sketches (firmware/Makefile) and upload it with
avrdude to its Arduino (Uno or Nano: ATmega328P, Optiboot), then check the board answers Terry's
handshake as that firmware, on this host's protocol. Exit 0 when it does.

./run board flash base                          the port: /dev/terry/base (udev), or the board
                                                that answers as the base firmware
./run board flash pan_tilt --port usb-Arduino_...   by its /dev/serial/by-id name, or any port
./run board flash imu --port /dev/ttyUSB0 --baud 57600   a Nano with the old bootloader
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import serial

from terry.bringup import boards
from terry.bringup.findings import OK, PROBLEM, Finding
from terry.link import messages as m
from terry.link.transport import HandshakeError, probe
from terry.paths import package_file

FIRMWARE = Path(package_file("firmware"))
SKETCHES = {sketch: firmware for firmware, sketch in boards.SKETCHES.items()}
PART = "atmega328p"
PROGRAMMER = "arduino"  # the Arduino bootloader's STK500 v1
UPLOAD_BAUD = 115200  # Optiboot (Uno, new Nano); the old Nano bootloader: 57600
VERIFY_TIMEOUT = 8.0  # s for the freshly flashed board to answer the handshake


class FlashError(Exception):
    """A reason to stop before or while flashing, said plainly."""


def sketch_of(name: str) -> str:
    """The sketch for a board name (base, pan_tilt or imu; pan-tilt too)."""
    sketch = name.strip().lower().replace("-", "_").replace("/", "_")
    if sketch not in SKETCHES:
        raise FlashError(f"unknown board {name!r}: Terry's boards are {', '.join(SKETCHES)}")
    return sketch


def hex_file(sketch: str) -> Path:
    return FIRMWARE / "build" / "avr" / f"{sketch}.hex"


def avrdude_command(
    port: str, hex_path: Path, programmer: str = PROGRAMMER, baud: int = UPLOAD_BAUD
) -> list[str]:
    """avrdude writing hex_path to the flash through the Arduino bootloader (-D: the bootloader
    erases each page itself), then reading it back to verify."""
    return [
        "avrdude",
        "-p",
        PART,
        "-c",
        programmer,
        "-P",
        port,
        "-b",
        str(baud),
        "-D",
        "-U",
        f"flash:w:{hex_path}:i",
    ]


def find_port(port: str | None, sketch: str, by_id: str = boards.BY_ID) -> str:
    """The port to flash: given (a by-id name or a path), the udev name /dev/terry/<sketch>, or
    the one board that answers as this sketch's firmware."""
    if port:
        path = port if os.sep in port else os.path.join(by_id, port)
        if not os.path.exists(path):
            raise FlashError(f"no such port {path} (plugged in? see ls {by_id})")
        return path
    udev = f"/dev/terry/{sketch}"
    if os.path.exists(udev):
        return udev
    for candidate in boards.serial_ports(by_id):
        if boards.is_maestro(candidate):
            continue
        try:
            if probe(candidate).firmware == SKETCHES[sketch]:
                return candidate
        except (serial.SerialException, HandshakeError):
            continue
    raise FlashError(
        f"no board answers as the {sketch} board (a new Arduino has no firmware to answer): "
        f"name its port, e.g. ./run board flash {sketch} --port usb-Arduino_...; ls {by_id}"
    )


def build(sketch: str) -> Path:
    """make the sketch's hex (a no-op when up to date); FlashError with the compiler's words."""
    target = hex_file(sketch)
    result = subprocess.run(
        ["make", "-s", "-C", str(FIRMWARE), str(target.relative_to(FIRMWARE))],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise FlashError(f"building {sketch} failed:\n{result.stdout}{result.stderr}")
    return target


def upload(command: list[str]) -> None:
    print("$", shlex.join(command), flush=True)
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise FlashError(
            "avrdude is not installed: ./run setup (or apt-get install avrdude)"
        ) from None
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-8:])
        raise FlashError(
            f"avrdude failed:\n{tail}\nIs it the right port, is nothing else holding it "
            "(./run doctor), and does the board have the Arduino bootloader (an old Nano: "
            "--baud 57600)?"
        )
    done = [line for line in result.stderr.splitlines() if "bytes of flash" in line]
    print("\n".join(done) or "uploaded", flush=True)


def verify(port: str, sketch: str, timeout: float = VERIFY_TIMEOUT) -> Finding:
    """Does the board now answer as the sketch's firmware, on this host's protocol?"""
    name, deadline = os.path.basename(port), time.monotonic() + timeout
    while True:
        try:
            reply = probe(port)
            break
        except (serial.SerialException, HandshakeError) as error:
            if time.monotonic() > deadline:
                return (
                    boards.check_port(port)
                    if os.path.exists(port)
                    else Finding(
                        name, PROBLEM, f"no handshake after flashing: {error}", "press reset"
                    )
                )
            time.sleep(0.5)
    judged = boards.judge(name, port, reply)
    if judged.level == OK and reply.firmware != SKETCHES[sketch]:
        runs = m.FIRMWARE_NAMES.get(reply.firmware, reply.firmware)
        text = f"flashed {sketch}, but it answers as the {runs} firmware"
        return Finding(name, PROBLEM, text, "check the port: flash the board that is there again")
    return judged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flash", description=__doc__.splitlines()[0])
    parser.add_argument("board", help=f"one of {', '.join(SKETCHES)}")
    parser.add_argument("--port", help="a /dev/serial/by-id name, or a port's path")
    parser.add_argument("--baud", type=int, default=UPLOAD_BAUD, help="the bootloader's baud")
    parser.add_argument("--programmer", default=PROGRAMMER, help="avrdude's -c")
    parser.add_argument("--by-id", default=boards.BY_ID, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        sketch = sketch_of(args.board)
        port = find_port(args.port, sketch, args.by_id)
        upload(avrdude_command(port, build(sketch), args.programmer, args.baud))
    except FlashError as error:
        print(f"flash: {error}", file=sys.stderr)
        return 2
    finding = verify(port, sketch)
    print(finding.line())
    return 0 if finding.level == OK else 1


if __name__ == "__main__":
    sys.exit(main())
