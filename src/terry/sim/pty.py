"""A pseudo-terminal that stands in for a USB serial device: the driver opens the link path
with pyserial exactly as it would open /dev/ttyACM0, and the simulated device holds the master.

    with PseudoSerial("/tmp/terry/maestro") as port:   # the link appears
        select.select([port], [], [], 0.1)           # port.fileno() is the master side
        request = port.read()                        # b"" when nothing is waiting
        port.write(reply)
    # closed: the link is gone, and the driver's next read or write fails as on an unplug

Simulated boards put their links in $TERRY_RUN_DIR (default /tmp/terry): `default_link(name)`.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import tty
from pathlib import Path

RUN_DIR = "/tmp/terry"  # where simulated boards put their links without $TERRY_RUN_DIR


def default_link(name: str) -> str:
    """$TERRY_RUN_DIR/name: where the simulated board `name` puts its port by default."""
    return os.path.join(os.environ.get("TERRY_RUN_DIR", RUN_DIR), name)


class PseudoSerial:
    """A pty pair with a symlink (the "port") to its slave side; close() removes the link."""

    def __init__(self, link: str | Path) -> None:
        self.link = Path(link)
        self.master, self._slave = pty.openpty()
        tty.setraw(self._slave)  # no echo, no line editing: bytes pass as they are
        os.set_blocking(self.master, False)
        self.link.parent.mkdir(parents=True, exist_ok=True)
        if self.link.is_symlink() or self.link.exists():
            self.link.unlink()
        self.link.symlink_to(os.ttyname(self._slave))

    def read(self, size: int = 4096) -> bytes:
        """What the driver wrote, or b"" when nothing is waiting."""
        try:
            return os.read(self.master, size)
        except (BlockingIOError, OSError):
            return b""

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.master, view) :]
            except BlockingIOError:
                select.select([], [self.master], [], 0.1)

    def fileno(self) -> int:
        return self.master

    def close(self) -> None:
        if self.link.is_symlink():
            self.link.unlink()
        for fd in (self.master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> PseudoSerial:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
