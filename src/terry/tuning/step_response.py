"""A step response for tuning: the samples (time, command, measured position and speed), its
figures (rise time, overshoot, settling time, final error), CSV and a plot. ROS-free; the command
that records one is terry.bringup.step_response.
"""

from __future__ import annotations

import csv
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("time", "command", "position", "velocity")


@dataclass(frozen=True)
class Sample:
    time: float  # s since the step was commanded
    command: float  # what was commanded (rad, or rad/s for a speed step)
    position: float  # measured, rad
    velocity: float  # measured, rad/s


@dataclass(frozen=True)
class StepFigures:
    """Of the measured quantity that was commanded (position, or velocity for a speed step)."""

    start: float
    target: float
    rise_time: float | None  # s from 10% to 90% of the step; None if 90% was never reached
    overshoot: float  # beyond the target, as a fraction of the step (0: none)
    settling_time: float | None  # s until it stays within `band` of the target; None: never
    final_error: float  # target - last measured value
    band: float

    def text(self, unit: str) -> str:
        def seconds(value: float | None) -> str:
            return "never" if value is None else f"{value:.3f} s"

        return (
            f"step {self.start:.4g} -> {self.target:.4g} {unit}: rise (10-90%) "
            f"{seconds(self.rise_time)}, overshoot {100 * self.overshoot:.1f}%, settled within "
            f"{self.band:.3g} {unit} after {seconds(self.settling_time)}, final error "
            f"{self.final_error:.3g} {unit}"
        )


def figures(
    times: Sequence[float], values: Sequence[float], start: float, target: float, band: float
) -> StepFigures:
    """The step's figures from measured `values` at `times` (s since the step); ValueError for
    no samples, a zero step or mismatched lengths."""
    if not times or len(times) != len(values):
        raise ValueError(f"need as many times as values, and some: {len(times)}, {len(values)}")
    step = target - start
    if not (math.isfinite(step) and step != 0.0):
        raise ValueError(f"a step from {start} to {target} is no step")
    progress = [(v - start) / step for v in values]  # 0 at the start, 1 on the target
    t10 = next((t for t, p in zip(times, progress, strict=True) if p >= 0.1), None)
    t90 = next((t for t, p in zip(times, progress, strict=True) if p >= 0.9), None)
    rise = t90 - t10 if t10 is not None and t90 is not None else None
    outside = [t for t, v in zip(times, values, strict=True) if abs(v - target) > band]
    if not outside:
        settled: float | None = times[0]
    elif outside[-1] == times[-1]:
        settled = None
    else:
        settled = next(t for t in times if t > outside[-1])
    return StepFigures(
        start, target, rise, max(0.0, max(progress) - 1.0), settled, target - values[-1], band
    )


def write_csv(path: Path, samples: Sequence[Sample]) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for s in samples:
            writer.writerow(
                [f"{s.time:.4f}", f"{s.command:.6g}", f"{s.position:.6g}", f"{s.velocity:.6g}"]
            )


def read_csv(path: Path) -> list[Sample]:
    with open(path, newline="") as source:
        rows = list(csv.reader(source))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise ValueError(f"{path}: not a step response (its header must be {','.join(COLUMNS)})")
    return [Sample(*(float(v) for v in row)) for row in rows[1:]]


def plot(path: Path, samples: Sequence[Sample], title: str, speed_step: bool = False) -> None:
    """Command and measured position over time, and measured speed below (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = [s.time for s in samples]
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 6))
    if speed_step:
        top.plot(t, [s.position for s in samples], label="measured position")
        bottom.step(t, [s.command for s in samples], where="post", label="command")
    else:
        top.step(t, [s.command for s in samples], where="post", label="command")
        top.plot(t, [s.position for s in samples], label="measured position")
    bottom.plot(t, [s.velocity for s in samples], label="measured speed")
    top.set_ylabel("position (rad)")
    bottom.set_ylabel("speed (rad/s)")
    bottom.set_xlabel("time since the step (s)")
    top.set_title("\n".join(textwrap.wrap(title, 100)), fontsize=9)
    for axes in (top, bottom):
        axes.grid(True, alpha=0.3)
        axes.legend(loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
