"""A board node publishes every sample while something moves or changes, and at its rest rate
while everything is still: an idle robot costs little, a moving one loses nothing."""

from __future__ import annotations

import itertools
import math

import pytest

from terry.sensors.pacing import Pacer


def sent(pacer: Pacer, samples: list[tuple[float, bool, object]]) -> list[float]:
    return [now for now, moving, values in samples if pacer.due(now, moving, values)]


def test_every_sample_goes_out_while_moving_or_changing():
    pacer = Pacer(rest_rate=10.0)
    moving = [(i * 0.02, True, (0.0,)) for i in range(50)]
    assert sent(pacer, moving) == [t for t, _, _ in moving]
    changing = [(1 + i * 0.02, False, ((i + 1) * 1e-6,)) for i in range(50)]
    assert sent(pacer, changing) == [t for t, _, _ in changing]


def test_still_samples_go_out_at_the_rest_rate():
    pacer = Pacer(rest_rate=10.0)
    still = [(i * 0.02, False, (0.5, 0.1)) for i in range(500)]  # 10 s at 50 Hz
    times = sent(pacer, still)
    assert times[0] == 0.0
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(0.1 - 1e-9 <= gap <= 0.12 + 1e-9 for gap in gaps)
    assert 80 <= len(times) <= 101


def test_motion_after_rest_goes_out_at_once():
    pacer = Pacer(rest_rate=1.0)
    assert pacer.due(0.0, False, (0.0,))
    assert not pacer.due(0.02, False, (0.0,))
    assert pacer.due(0.04, True, (0.0,))
    assert pacer.due(0.06, False, (0.01,))


@pytest.mark.parametrize("rate", [0.0, -1.0, math.nan, math.inf])
def test_a_bad_rest_rate_is_refused(rate):
    with pytest.raises(ValueError):
        Pacer(rate)
