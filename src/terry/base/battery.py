"""The base's battery, from the voltage its board reports: the charge left (a LiPo's resting
voltage, linear per cell between empty and full) and the low-battery policy. Below `warn` it
warns; below `slow` the base drives at `slow_scale` of its limits; below `critical` it also
relaxes the arm and parks the Kinect, once. The voltage is smoothed (load sags it for a moment)
and a stage is left only when the charge climbs `hysteresis` above its level (a fresh battery).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NORMAL, WARN, SLOW, CRITICAL = 0, 1, 2, 3
STAGES = ("ok", "low: warning", "low: base slowed", "critical: arm relaxed, Kinect parked")


@dataclass(frozen=True)
class BatterySpec:
    """A LiPo pack: cells in series, a cell's resting voltage at full and at empty (V)."""

    cells: int = 3
    cell_full: float = 4.2
    cell_empty: float = 3.4

    def __post_init__(self) -> None:
        if not (type(self.cells) is int and 1 <= self.cells <= 12):
            raise ValueError(f"battery cells must be an integer 1..12, got {self.cells!r}")
        if not (0 < self.cell_empty < self.cell_full < 5):
            raise ValueError(f"need 0 < cell_empty < cell_full < 5 V, got {self!r}")

    def charge(self, volts: float) -> float:
        """The fraction of charge left (0..1) at this pack voltage."""
        cell = volts / self.cells
        return min(1.0, max(0.0, (cell - self.cell_empty) / (self.cell_full - self.cell_empty)))


@dataclass(frozen=True)
class Levels:
    """Charge fractions below which each stage begins, and the base's speed when slowed."""

    warn: float = 0.3
    slow: float = 0.2
    critical: float = 0.1
    slow_scale: float = 0.5
    hysteresis: float = 0.05

    def __post_init__(self) -> None:
        values = (self.warn, self.slow, self.critical, self.slow_scale, self.hysteresis)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            raise ValueError(f"battery levels must be finite numbers, got {self!r}")
        if not 0 <= self.critical <= self.slow <= self.warn <= 1:
            raise ValueError(f"need 0 <= critical <= slow <= warn <= 1, got {self!r}")
        if not (0 < self.slow_scale <= 1 and 0 <= self.hysteresis < 1):
            raise ValueError(f"need 0 < slow_scale <= 1 and 0 <= hysteresis < 1, got {self!r}")

    def of(self, stage: int) -> float:
        return (1.0, self.warn, self.slow, self.critical)[stage]


@dataclass(frozen=True)
class Step:
    """What a reading means: the stage, whether it changed, the base's speed scale, and whether
    to relax the arm and park the Kinect now (True once, on entering CRITICAL)."""

    volts: float
    charge: float
    stage: int
    changed: bool
    speed_scale: float
    relax_and_park: bool

    def text(self) -> str:
        return f"battery {self.volts:.2f} V, {self.charge:.0%}: {STAGES[self.stage]}"


class BatteryPolicy:
    """update(volts, now) for each report; smoothing: the time constant (s) of the voltage."""

    def __init__(
        self, spec: BatterySpec | None = None, levels: Levels | None = None, smoothing: float = 5.0
    ) -> None:
        self.spec, self.levels = spec or BatterySpec(), levels or Levels()
        self.smoothing = smoothing
        self.stage = NORMAL
        self._volts: float | None = None
        self._last: float | None = None

    def update(self, volts: float, now: float) -> Step:
        if not (isinstance(volts, int | float) and math.isfinite(volts) and 0 <= volts < 100):
            raise ValueError(f"battery voltage {volts!r} is not a plausible reading")
        if self._volts is None or self._last is None:
            self._volts = float(volts)
        else:
            weight = 1 - math.exp(-max(0.0, now - self._last) / self.smoothing)
            self._volts += (volts - self._volts) * weight
        self._last = now
        charge = self.spec.charge(self._volts)
        levels = self.levels
        below = [NORMAL, WARN, SLOW, CRITICAL]
        target = max(s for s in below if s == NORMAL or charge < levels.of(s))
        previous = self.stage
        if target > previous or charge >= levels.of(previous) + levels.hysteresis:
            self.stage = target
        scale = levels.slow_scale if self.stage >= SLOW else 1.0
        return Step(
            self._volts,
            charge,
            self.stage,
            self.stage != previous,
            scale,
            self.stage == CRITICAL and previous != CRITICAL,
        )
