"""How often a board node publishes what it measures: every sample while something moves (or a
value changes), and at a slower rest rate while everything is still, so an idle robot does not
feed /joint_states, robot_state_publisher and every tf listener at full rate. ROS-free.
"""

from __future__ import annotations

import math
from collections.abc import Hashable


class Pacer:
    """due(now, moving, values): True when this sample should go out."""

    def __init__(self, rest_rate: float) -> None:
        if not (math.isfinite(rest_rate) and rest_rate > 0):
            raise ValueError(f"rest rate must be a positive number of Hz, got {rest_rate}")
        self.rest_period = 1.0 / rest_rate
        self._last_sent: float | None = None
        self._last_values: Hashable = None

    def due(self, now: float, moving: bool, values: Hashable = None) -> bool:
        if not (
            moving
            or values != self._last_values
            or self._last_sent is None
            or now - self._last_sent >= self.rest_period
        ):
            return False
        self._last_sent, self._last_values = now, values
        return True
