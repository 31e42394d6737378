"""What the simulated wheels really do on the floor, so that wheel odometry errs as on the robot.

ROS-free. The base board's encoders count whole turns of each wheel (terry.sim.base_board
quantises them to counts); the ground sees less: each wheel's true radius is a little off the
URDF's, and each wheel loses a random share of its turn to slip. The world moves the robot by
what the ground sees, the base controller integrates what the encoders count, and the two drift
apart as they do on a real floor. Seeded, so that a run can be repeated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class WheelSlip:
    """radius_error: true radius / URDF radius - 1, per wheel (left, right); slip: the standard
    deviation of the share of a wheel's turn lost to slip in each update (half-normal: a wheel
    never gains ground)."""

    radius_error: tuple[float, float] = (0.004, -0.004)
    slip: float = 0.02
    seed: int = 0
    _rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = (*self.radius_error, self.slip)
        if len(self.radius_error) != 2 or not all(math.isfinite(v) for v in values):
            raise ValueError(f"wheel slip needs finite values, two radius errors: got {self}")
        if not all(abs(e) < 0.2 for e in self.radius_error):
            raise ValueError(f"radius errors must lie within +-20 %, got {self.radius_error}")
        if not 0 <= self.slip < 0.5:
            raise ValueError(f"slip must be in [0, 0.5), got {self.slip}")
        self._rng = np.random.default_rng(self.seed)

    def on_ground(self, left: float, right: float) -> tuple[float, float]:
        """The wheel turns (rad) that move the robot, for the turns the encoders see."""
        if not (math.isfinite(left) and math.isfinite(right)):
            raise ValueError(f"wheel turns must be finite, got {left}, {right}")
        kept = 1.0 - np.clip(np.abs(self._rng.normal(0.0, self.slip, 2)), 0.0, 0.9)
        return (
            left * (1 + self.radius_error[0]) * kept[0],
            right * (1 + self.radius_error[1]) * kept[1],
        )
