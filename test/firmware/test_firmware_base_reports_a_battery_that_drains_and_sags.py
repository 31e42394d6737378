"""The real base firmware (host build) reads its battery through the divider and reports it about
once a second; the simulated battery (TERRY_SIM_BATTERY: its charge) sags under wheel load."""

from __future__ import annotations

import threading

import pytest
from fixtures.harness import wait_for

from terry.base.board import BaseBoard
from terry.sim.firmware import start_board

ADC_STEP = 15.638 / 1023  # V per ADC count with the divider of firmware/lib/base_app.h


@pytest.fixture
def half_charged_base(run_dir):
    link = run_dir / "base"
    process = start_board("base", link, {"TERRY_SIM_BATTERY": "0.5"})
    readings: list[float] = []
    try:
        wait_for(link.exists, 10, "the base firmware's pty link")
        board = BaseBoard(str(link), on_battery=readings.append).start()
        assert board.link.wait_up(10), board.link.health.last_error
        yield board, readings
        board.close()
    finally:
        process.terminate()
        process.wait(5)


def test_the_battery_is_reported_each_second_and_sags_under_load(half_charged_base):
    board, readings = half_charged_base
    wait_for(lambda: len(readings) >= 2, 5, "two Battery reports")
    resting = readings[-1]
    # 10.2 V + 2.4 V x 0.5 charge - 0.1 ohm x 0.25 A idle (firmware/host/plant.h)
    assert resting == pytest.approx(11.375, abs=2 * ADC_STEP)
    stop = threading.Event()

    def drive() -> None:
        while not stop.wait(0.05):
            board.command(15.0, 15.0)

    driver = threading.Thread(target=drive)
    driver.start()
    try:
        count = len(readings)
        wait_for(lambda: len(readings) >= count + 2, 5, "Battery reports while driving")
        assert resting - readings[-1] > 0.15  # about 2 x 1.1 A more through 0.1 ohm
    finally:
        stop.set()
        driver.join()
