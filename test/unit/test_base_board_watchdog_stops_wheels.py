"""The base firmware stops its wheels when the host falls silent for 250 ms, and on e-stop,
and tells the host why in its status reports.
"""

from __future__ import annotations

import math
import time

import pytest
from fixtures.harness import wait_for

from terry.base.board import BaseBoard
from terry.link import messages as m


def started(served_board) -> BaseBoard:
    board = BaseBoard(str(served_board.link), 115200).start()
    assert board.link.wait_up(10), board.link.health.last_error
    return board


def drive_until(board: BaseBoard, predicate, what: str) -> None:
    def step():
        board.command(3.0, -3.0)
        time.sleep(0.02)
        return predicate()

    wait_for(step, 10, what)


def test_host_silence_stops_the_wheels_and_commands_restart_them(served_board):
    wheels = served_board.model.wheels
    board = started(served_board)
    try:
        drive_until(board, lambda: wheels[0].speed > 2.5 and wheels[1].speed < -2.5, "speed")
        assert not served_board.model.watchdog_tripped
        # The transport keeps heartbeating, but no wheel command comes: the watchdog trips.
        wait_for(lambda: wheels[0].speed == wheels[1].speed == 0.0, 10, "the wheels to stop")
        assert served_board.model.watchdog_tripped
        wait_for(
            lambda: board.link.health.board_status.flags & m.FLAG_WATCHDOG,
            10,
            "the host to hear why",
        )
        drive_until(board, lambda: wheels[0].speed > 2.5, "the wheels to turn again")
    finally:
        board.close()


def test_estop_stops_the_wheels_and_refuses_commands_until_released(served_board):
    wheels = served_board.model.wheels
    board = started(served_board)
    try:
        drive_until(board, lambda: wheels[0].speed > 2.5, "speed")
        assert board.estop(True)
        drive_until(board, lambda: wheels[0].speed == 0.0, "the wheels to stop under e-stop")
        nacks = board.link.health.nacks
        drive_until(board, lambda: board.link.health.nacks > nacks + 5, "refusals")
        assert wheels[0].speed == wheels[1].speed == 0.0
        assert board.estop(False)
        drive_until(board, lambda: wheels[0].speed > 2.5, "driving after release")
    finally:
        board.close()


@pytest.mark.parametrize(
    "speed, refused_by",
    [(math.nan, "host"), (math.inf, "host"), (-100.0, "host"), (25.0, "board")],
)
def test_bad_wheel_speeds_stop_the_wheels(served_board, speed, refused_by):
    wheels = served_board.model.wheels
    board = started(served_board)
    try:
        drive_until(board, lambda: wheels[0].speed > 2.5, "speed")
        nacks = board.link.health.nacks

        def bad_command() -> bool:
            board.command(speed, 1.0)
            time.sleep(0.02)
            return wheels[0].speed == wheels[1].speed == 0.0

        wait_for(bad_command, 10, "the wheels to stop")
        assert (board.link.health.nacks > nacks) == (refused_by == "board")
    finally:
        board.close()
