"""terry.sensors.board_clock: samples a busy host read late in a burst get the times the board
took them, stamps never go back, a board clock running slow or fast is followed, and a board
reset starts over."""

import itertools
import random

import pytest

from terry.sensors.board_clock import BoardClock


def test_a_burst_read_late_keeps_the_boards_spacing():
    clock = BoardClock()
    stamps = [clock.host_time(i * 0.005, 100.0 + i * 0.005 + 0.001) for i in range(20)]
    # 0.2 s of samples held up, then read all at once
    burst = [clock.host_time(i * 0.005, 100.3) for i in range(20, 60)]
    assert stamps[-1] == pytest.approx(100.0 + 19 * 0.005 + 0.001)
    assert burst[0] == pytest.approx(100.101, abs=0.001)  # taken at 0.1 s, 1 ms on the wire
    assert all(b - a == pytest.approx(0.005, abs=1e-4) for a, b in itertools.pairwise(burst))
    assert all(s <= 100.3 for s in burst), "never after the sample arrived"


@pytest.mark.parametrize("rate", [0.995, 1.005])
def test_a_board_clock_off_by_half_a_percent_is_followed(rate):
    clock, rng = BoardClock(), random.Random(1)
    errors = []
    for i in range(60_000):  # 5 min at 200 Hz
        taken = i * 0.005
        arrival = 50.0 + taken + rng.expovariate(1 / 0.002)  # 2 ms mean delay
        errors.append((50.0 + taken) - clock.host_time(taken * rate, arrival))
    assert max(abs(e) for e in errors[1000:]) < 0.02


def test_stamps_never_go_back_and_a_board_reset_starts_over():
    clock, rng = BoardClock(), random.Random(2)
    stamps, arrival = [], 0.0
    for i in range(500):  # a serial link delivers in order, each sample late by up to 50 ms
        arrival = max(arrival, 10 + i * 0.01 + rng.uniform(0, 0.05))
        stamps.append(clock.host_time(i * 0.01, arrival))
    assert all(b >= a for a, b in itertools.pairwise(stamps)), "never back"
    assert clock.host_time(0.0, 20.0) == 20.0, "the board restarted its clock"
