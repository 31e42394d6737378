"""The link has one lifecycle: nothing happens until start(); it comes up (on_up), is lost when
the board's port vanishes (on_lost, with the reason), and comes back up by itself when the port
returns; a handshake that fails says why (device silent, or bytes that are not Terry's protocol).
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from fixtures.harness import wait_for

from terry.base.board import BaseBoard
from terry.link import messages as m
from terry.link import transport
from terry.sim.pty import PseudoSerial


def moving(board: BaseBoard, speed: float) -> bool:
    board.command(speed, speed)
    return board.encoders() is not None


def test_link_comes_up_is_lost_and_comes_back_with_one_callback_each(served_board):
    events: list[str] = []
    board = BaseBoard(
        str(served_board.link),
        115200,
        on_up=lambda: events.append("up"),
        on_lost=lambda reason: events.append(f"lost: {reason}"),
    )
    try:
        time.sleep(0.5)  # the constructor connects nothing
        assert board.link.health.state == transport.CONNECTING and not events
        assert not board.command(2.0, 2.0) and board.ticks_per_rev is None
        board.start()
        assert board.link.wait_up(10), board.link.health.last_error
        assert board.ticks_per_rev == 360 and board.link.health.state == transport.UP
        wait_for(lambda: moving(board, 2.0), 10, "encoder reports")
        served_board.stop()  # unplugged: the pty and its link vanish
        wait_for(lambda: board.link.health.state == transport.LOST, 10, "the link to notice")
        assert not board.command(2.0, 2.0) and board.encoders() is None
        assert board.link.health.last_error
        served_board.start()  # plugged back in, under the same name
        wait_for(lambda: board.link.health.state == transport.UP, 10, "the link to come back")
        wait_for(lambda: moving(board, 2.0), 10, "encoder reports after reconnecting")
        wait_for(lambda: served_board.model.wheels[0].speed > 1.0, 10, "the wheels to turn again")
        assert board.link.health.reconnects == 1
        assert events[0] == "up" and events[1].startswith("lost: ") and events[2:] == ["up"]
        values = board.link.health.values()
        assert values["reconnects"] == "1" and values["state"] == "up"
        assert values["board"].startswith("base firmware")
    finally:
        board.close()


def test_on_up_configures_the_board_before_anyone_sees_the_link_up(served_board):
    """Another thread's command must not reach a fresh board before on_up's configuration,
    which would then undo it (a tuning set at connect time was lost this way)."""
    sent: list[int | None] = []
    done = threading.Event()

    def on_up() -> None:
        time.sleep(0.5)  # a slow configuration: the link must not look up meanwhile
        sent.append(link.send(m.Heartbeat()))
        done.set()

    link = transport.Link(str(served_board.link), 115200, m.FIRMWARE_BASE, lambda _: None, on_up)
    try:
        link.start()
        assert link.wait_up(10), link.health.last_error
        assert done.is_set() and link.up
        assert sent[0] is not None  # send() works inside on_up
    finally:
        link.close()


def test_an_engaged_estop_is_sent_again_to_a_board_that_comes_back(served_board):
    board = BaseBoard(str(served_board.link), 115200).start()
    try:
        assert board.link.wait_up(10), board.link.health.last_error
        assert board.estop(True)
        wait_for(lambda: served_board.model.estop, 10, "the board to hear the e-stop")
        served_board.stop()
        wait_for(lambda: board.link.health.state == transport.LOST, 10, "the link to notice")
        served_board.model.estop = False  # a board that reset forgets its e-stop
        served_board.start()
        wait_for(lambda: served_board.model.estop, 10, "the e-stop sent again on reconnect")
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
    board = BaseBoard(odd_device, 115200).start()
    try:
        wait_for(lambda: cause in board.link.health.last_error, 10, f"an error naming {cause!r}")
        assert not board.link.up and board.link.health.state == transport.CONNECTING
    finally:
        board.close()
