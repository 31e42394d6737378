"""The real pan/tilt firmware (host build) on a pty, and a host Link to it, without ROS."""

from __future__ import annotations

import queue
import subprocess
from pathlib import Path

import pytest
from harness import wait_for

from terry.link import messages as m
from terry.link.transport import Link
from terry.sim.firmware import start_board


class Board:
    """The firmware process at `link`; unplug() kills it, plug() starts a fresh one."""

    def __init__(self, link: Path, start_pan: float = 0.0) -> None:
        self.link, self.start_pan = link, start_pan
        self.process: subprocess.Popen | None = None

    def plug(self) -> None:
        self.process = start_board("pan_tilt", self.link, {"TERRY_SIM_PAN": repr(self.start_pan)})

    def unplug(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=5)
            self.process = None


class HostLink:
    """A Link to the board that keeps what it hears: the latest of each type, and every Ack."""

    def __init__(self, port: Path) -> None:
        self.latest: dict[type, m.Message] = {}
        self.acks: queue.Queue[m.Ack] = queue.Queue()
        self.link = Link(str(port), 115200, m.FIRMWARE_PAN_TILT, self._on_message)

    def _on_message(self, message: m.Message) -> None:
        self.latest[type(message)] = message
        if isinstance(message, m.Ack):
            self.acks.put(message)

    def state(self) -> m.PanTiltState | None:
        return self.latest.get(m.PanTiltState)  # type: ignore[return-value]

    def ack_for(self, seq: int, timeout: float = 5.0) -> m.Ack:
        while True:
            ack = self.acks.get(timeout=timeout)
            if ack.seq == seq:
                return ack


@pytest.fixture
def pan_board(tmp_path, request):
    board = Board(tmp_path / "pan_tilt", getattr(request, "param", 0.0))
    board.plug()
    yield board
    board.unplug()


@pytest.fixture
def host_link(pan_board):
    host = HostLink(pan_board.link)
    assert host.link.wait_connected(10), host.link.health.last_error
    wait_for(host.state, 5, "the first PanTiltState")
    yield host
    host.link.close()
