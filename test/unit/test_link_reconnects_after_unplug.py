"""The transport reconnects by itself when the board's port vanishes and comes back, and a
handshake that fails says why (device silent, or bytes that are not Terry's protocol).
"""

from __future__ import annotations

import os
import threading

import pytest
from fixtures.harness import wait_for

from terry.base.board import BaseBoard
from terry.sim.pty import PseudoSerial


def moving(board: BaseBoard, speed: float) -> bool:
    board.command(speed, speed)
    return board.encoders() is not None


def test_transport_reconnects_after_the_port_is_closed_and_recreated(served_board):
    board = BaseBoard(str(served_board.link), 115200)
    try:
        wait_for(lambda: moving(board, 2.0), 10, "encoder reports")
        served_board.stop()  # unplugged: the pty and its link vanish
        wait_for(lambda: board.link.health.state == "disconnected", 10, "the link to notice")
        assert not board.command(2.0, 2.0) and board.encoders() is None
        assert board.link.health.last_error
        served_board.start()  # plugged back in, under the same name
        wait_for(lambda: board.link.health.state == "connected", 10, "the link to reconnect")
        wait_for(lambda: moving(board, 2.0), 10, "encoder reports after reconnecting")
        wait_for(lambda: served_board.model.wheels[0].speed > 1.0, 10, "the wheels to turn again")
        assert board.link.health.reconnects == 1
        values = board.link.health.values()
        assert values["reconnects"] == "1" and values["state"] == "connected"
        assert values["board"].startswith("base firmware")
    finally:
        board.close()


@pytest.fixture
def odd_device(tmp_path, request):
    """A device that stays silent, or answers with bytes at the wrong baud (noise)."""
    port = PseudoSerial(tmp_path / "odd")
    stop = threading.Event()

    def babble() -> None:
        while not stop.wait(0.01):
            port.read()
            if request.param == "noise":
                os.write(port.fileno(), os.urandom(16).replace(b"\x00", b"\x80") + b"\x00")

    thread = threading.Thread(target=babble)
    thread.start()
    yield str(port.link)
    stop.set()
    thread.join()
    port.close()


@pytest.mark.parametrize(
    "odd_device, cause",
    [("silent", "sent nothing"), ("noise", "wrong baud")],
    indirect=["odd_device"],
)
def test_failed_handshake_names_the_likely_cause(odd_device, cause):
    with pytest.raises(ValueError, match=cause):
        BaseBoard(odd_device, 115200, connect_timeout=8.0)
