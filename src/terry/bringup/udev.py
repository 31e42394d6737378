"""Install Terry's udev rules: config/udev/99-terry.rules, plus one line per board found on
/dev/serial/by-id naming it /dev/terry/<sketch> by its USB serial number."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from terry.bringup import boards
from terry.bringup.findings import OK
from terry.link.transport import HandshakeError, probe
from terry.paths import package_file

RULES = Path(package_file("config")) / "udev" / "99-terry.rules"
RULES_DIR = "/etc/udev/rules.d"


def usb_serial(by_id_name: str) -> str | None:
    """udev's ID_SERIAL from a by-id name (usb-<ID_SERIAL>-if<NN>); None for other names."""
    if not by_id_name.startswith("usb-") or "-if" not in by_id_name:
        return None
    return by_id_name[len("usb-") :].rsplit("-if", 1)[0]


def board_rules(by_id: str, baud: int = 115200, timeout: float = 3.0) -> list[str]:
    """A SYMLINK rule for each port that answers as one of Terry's boards."""
    lines = []
    for port in boards.serial_ports(by_id):
        serial_id = usb_serial(os.path.basename(port))
        if serial_id is None or boards.is_maestro(port):
            continue
        try:
            reply = probe(port, baud, timeout)
        except (OSError, HandshakeError) as error:
            print(f"skipped {port}: {error}")
            continue
        if boards.judge(os.path.basename(port), port, reply).level != OK:
            print(f"skipped {port}: not a working Terry board (run ./run doctor)")
            continue
        sketch = boards.SKETCHES[reply.firmware]
        lines.append(
            f'SUBSYSTEM=="tty", ENV{{ID_SERIAL}}=="{serial_id}", SYMLINK+="terry/{sketch}"'
        )
    return lines


def rules_text(by_id: str = boards.BY_ID) -> str:
    """config/udev/99-terry.rules with a line naming each of Terry's boards found on by_id."""
    found = board_rules(by_id)
    text = RULES.read_text()
    if found:
        text += "\n# Terry's boards, found by `./run doctor --install-udev`\n" + "\n".join(found)
        text += "\n"
    return text


def install(rules_dir: str = RULES_DIR, by_id: str = boards.BY_ID) -> int:
    """Write the rules and reload udev (as root); otherwise print the command to run. 0 if done."""
    if os.geteuid() != 0:
        print("installing udev rules needs root: sudo ./run doctor --install-udev")
        return 1
    text = rules_text(by_id)
    target = Path(rules_dir) / RULES.name
    target.write_text(text)
    print(f"wrote {target}")
    udevadm = shutil.which("udevadm")
    if udevadm is None:
        print("no udevadm here: the rules apply when the boards are plugged in again")
        return 0
    subprocess.run([udevadm, "control", "--reload-rules"], check=True)
    subprocess.run([udevadm, "trigger", "--subsystem-match=tty"], check=True)
    print("udev reloaded: unplug and replug the boards if /dev/terry/ is still empty")
    return 0
