"""Which board is on which serial port: a one-shot handshake on each (terry.link.transport.probe),
and, when a port cannot be opened, why (missing, no permission, held by which process)."""

from __future__ import annotations

import glob
import os

import serial

from terry.bringup.findings import OK, PROBLEM, WARN, Finding
from terry.link import messages as m
from terry.link.transport import LOW_RAM, HandshakeError, describe, probe

BY_ID = "/dev/serial/by-id"
SKETCHES = {m.FIRMWARE_BASE: "base", m.FIRMWARE_PAN_TILT: "pan_tilt", m.FIRMWARE_IMU: "imu"}
DIALOUT_FIX = "sudo usermod -aG dialout $USER, then log out and in again"


def serial_ports(by_id: str = BY_ID) -> list[str]:
    """The stable names of the USB serial devices plugged in (empty when there are none)."""
    return sorted(glob.glob(os.path.join(by_id, "*")))


def is_maestro(port: str) -> bool:
    """A Pololu Maestro's by-id name (it speaks the Maestro's protocol, not Terry's link)."""
    return "pololu" in os.path.basename(port).lower()


def flash_command(port: str, firmware: int) -> str:
    """./run board flash (terry.bringup.flash), and what it runs, for a user without ./run."""
    sketch = SKETCHES[firmware]
    return (
        f"./run board flash {sketch} --port {port} (it runs make -C firmware, then avrdude "
        f"-p atmega328p -c arduino -P {port} -b 115200 -D "
        f"-U flash:w:firmware/build/avr/{sketch}.hex:i)"
    )


def _process(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        command = ""
    return f"pid {pid} ({command or 'unknown command'})"


def lock_holders(port: str, locks: str = "/proc/locks") -> list[int]:
    """The pids holding a lock on the device (pyserial's exclusive=True takes a flock)."""
    st = os.stat(port)
    ident = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    with open(locks) as f:
        rows = [line.split() for line in f]
    return sorted({int(row[4]) for row in rows if len(row) > 5 and row[5] == ident})


def openers(port: str) -> list[int]:
    """The other processes with the device open (a program that holds it without a lock)."""
    device = os.path.realpath(port)
    found = set()
    for fd_dir in glob.glob("/proc/[0-9]*/fd"):
        pid = int(fd_dir.split("/")[2])
        if pid == os.getpid():
            continue
        try:
            if any(
                os.path.realpath(os.path.join(fd_dir, fd)) == device for fd in os.listdir(fd_dir)
            ):
                found.add(pid)
        except OSError:
            continue
    return sorted(found)


def check_port(port: str, baud: int = 115200, timeout: float = 3.0) -> Finding:
    """What is on `port`: the board's identity, or the reason it cannot be used and the fix."""
    name = os.path.basename(port)
    if is_maestro(port):
        if os.access(port, os.R_OK | os.W_OK):
            return Finding(name, OK, "Pololu Maestro servo controller (arm)")
        return Finding(name, PROBLEM, "Pololu Maestro, but no permission to open it", DIALOUT_FIX)
    try:
        reply = probe(port, baud, timeout)
    except serial.SerialException as error:
        return _cannot_open(name, port, error)
    except HandshakeError as error:
        return Finding(
            name,
            PROBLEM,
            str(error),
            f"check the board runs Terry's firmware at {baud} baud: reflash it "
            "(docs/firmware.md), and press its reset button",
        )
    return judge(name, port, reply)


def _cannot_open(name: str, port: str, error: serial.SerialException) -> Finding:
    if not os.path.exists(port):
        return Finding(name, PROBLEM, "no such port (unplugged?)", "plug the board in again")
    if not os.access(port, os.R_OK | os.W_OK):
        return Finding(name, PROBLEM, f"no permission to open {port}", DIALOUT_FIX)
    holders = lock_holders(port) or openers(port)
    if holders:
        who = ", ".join(_process(pid) for pid in holders)
        return Finding(
            name,
            PROBLEM,
            f"port busy: held by {who}",
            "only one program can use a board: stop that one (a running ./run robot or sim, a "
            f"serial monitor), e.g. kill {holders[0]}",
        )
    return Finding(name, PROBLEM, f"cannot open: {error}", "unplug and plug the board in again")


def judge(name: str, port: str, reply: m.HelloReply) -> Finding:
    """A board that answered: is its firmware one of Terry's, on this host's protocol?"""
    who = describe(reply)
    name_of = m.FIRMWARE_NAMES.get(reply.firmware, f"firmware {reply.firmware}")
    brief = f"{name_of} v{reply.firmware_version} p{reply.protocol} {reply.free_ram} B"
    if reply.firmware not in SKETCHES:
        return Finding(
            name, PROBLEM, who, "flash one of Terry's sketches (docs/firmware.md)", brief
        )
    if reply.protocol != m.PROTOCOL_VERSION:
        if reply.protocol < m.PROTOCOL_VERSION:
            fix = f"the board's firmware is older: flash it: {flash_command(port, reply.firmware)}"
        else:
            fix = "the board's firmware is newer than this checkout: update Terry (git pull)"
        return Finding(
            name,
            PROBLEM,
            f"protocol mismatch: {who}; the host speaks protocol v{m.PROTOCOL_VERSION}",
            fix,
            brief,
        )
    if reply.free_ram < LOW_RAM:
        return Finding(name, WARN, f"{who}: low free RAM", "rebuild: make -C firmware", brief)
    return Finding(name, OK, who, "", brief)


def missing_boards(found: list[Finding]) -> list[Finding]:
    """A warning for each of Terry's boards that no port answered as."""
    texts = " ".join(f.text for f in found if f.level == OK)
    out = []
    for firmware, name in m.FIRMWARE_NAMES.items():
        if f"{name} firmware" not in texts:
            out.append(
                Finding(
                    f"{name} board",
                    WARN,
                    "not found on any port",
                    f"plug it in; flash it with `{flash_command('PORT', firmware)}`",
                )
            )
    if "Maestro" not in texts:
        out.append(Finding("maestro", WARN, "not found on any port", "plug the arm's Maestro in"))
    return out
