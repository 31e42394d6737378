"""The step response's figures on known curves (a first-order step, an underdamped one, one that
never arrives), its refusals, and its CSV and plot files."""

from __future__ import annotations

import math

import pytest

from terry.tuning.step_response import Sample, figures, plot, read_csv, write_csv

TIMES = [i * 0.01 for i in range(1001)]  # 10 s


def test_a_first_order_step_rises_in_2_2_time_constants_without_overshoot():
    tau = 0.5
    values = [1.0 + 2.0 * (1 - math.exp(-t / tau)) for t in TIMES]
    found = figures(TIMES, values, 1.0, 3.0, band=0.04)
    assert found.rise_time == pytest.approx(tau * math.log(9), abs=0.02)
    assert found.overshoot == 0.0
    assert found.settling_time == pytest.approx(tau * math.log(2.0 / 0.04), abs=0.02)
    assert found.final_error == pytest.approx(0.0, abs=1e-6)


def test_an_underdamped_step_overshoots_by_its_damping_downwards_too():
    zeta, wn = 0.3, 4.0
    wd = wn * math.sqrt(1 - zeta**2)
    phi = math.acos(zeta)
    values = [
        -(1 - math.exp(-zeta * wn * t) * math.sin(wd * t + phi) / math.sqrt(1 - zeta**2))
        for t in TIMES
    ]
    found = figures(TIMES, values, 0.0, -1.0, band=0.02)
    assert found.overshoot == pytest.approx(
        math.exp(-zeta * math.pi / math.sqrt(1 - zeta**2)), abs=0.005
    )
    assert 0 < found.rise_time < found.settling_time < 4.0


def test_a_step_that_never_arrives_has_no_rise_or_settling_time():
    found = figures(TIMES, [0.5 * min(t, 1.0) for t in TIMES], 0.0, 1.0, band=0.01)
    assert found.rise_time is None and found.settling_time is None
    assert found.final_error == pytest.approx(0.5)
    assert "never" in found.text("rad")


@pytest.mark.parametrize(
    "times, values, start, target",
    [
        ([], [], 0.0, 1.0),
        ([0.0, 1.0], [0.0], 0.0, 1.0),
        ([0.0], [0.0], 1.0, 1.0),
        ([0.0], [0.0], 0.0, math.nan),
    ],
)
def test_no_samples_or_no_step_is_refused(times, values, start, target):
    with pytest.raises(ValueError):
        figures(times, values, start, target, band=0.01)


def test_csv_round_trips_and_the_plot_is_written(tmp_path):
    samples = [Sample(t, 0.3, 0.3 * (1 - math.exp(-t)), 0.3 * math.exp(-t)) for t in TIMES[:300]]
    write_csv(tmp_path / "step.csv", samples)
    back = read_csv(tmp_path / "step.csv")
    assert len(back) == len(samples)
    for a, b in zip(samples, back, strict=True):
        assert a.time == pytest.approx(b.time, abs=1e-4)
        assert a.position == pytest.approx(b.position, rel=1e-5, abs=1e-9)
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a step response"):
        read_csv(tmp_path / "other.csv")
    plot(tmp_path / "step.png", samples, "pan: a test")
    assert (tmp_path / "step.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
