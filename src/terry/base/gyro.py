"""The base's heading from the gyro: the IMU's yaw rate integrated between odometry updates.

Wheels that slip say the base turned when it did not (and the reverse); the gyro feels the turn
itself, so odometry takes its heading change from here while the gyro is fresh and from the
wheels when it falls silent."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field


@dataclass
class GyroTurn:
    """Integrates yaw-rate samples (rad/s, about the base's z axis) into the turn since the last
    `take`. Samples that arrive late count at the next take: the heading lags for a moment but
    loses nothing (dropping the turn of a take that found the newest sample over 0.1 s old, and
    taking the wheels' instead, cost a degree or two each time under load). Samples further
    apart than `max_gap` are not bridged: the turn in between is unknown, so the take that spans
    the gap says None and the wheels' turn stands for that update (counting only the samples
    around the gap lost 4-12 degrees of a turn in place when the IMU's samples came late). So
    does a take when the gyro has been silent for over `max_silence`."""

    max_gap: float = 0.1  # s
    max_silence: float = 0.5  # s
    _last: tuple[float, float] | None = None  # (stamp, rate) of the newest sample
    _turn: float = 0.0
    _gap: bool = False  # a gap since the last take
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, rate: float, stamp: float) -> None:
        """One sample; ValueError for a rate or stamp that is not a finite number."""
        if not (math.isfinite(rate) and math.isfinite(stamp)):
            raise ValueError(f"gyro sample ({rate}, t={stamp}) is not finite: ignored")
        with self._lock:
            if self._last is not None:
                then, before = self._last
                if stamp <= then:
                    return  # out of order or repeated: the newer sample already counted
                if stamp - then <= self.max_gap:
                    self._turn += (rate + before) / 2 * (stamp - then)
                else:
                    self._gap = True
            self._last = (stamp, rate)

    def take(self, now: float) -> float | None:
        """The turn (rad) of the samples since the last take; None when the gyro has been silent
        for longer than `max_silence` or left a gap since the last take (the caller then uses
        the wheels)."""
        with self._lock:
            turn, self._turn = self._turn, 0.0
            gap, self._gap = self._gap, False
            alive = self._last is not None and now - self._last[0] <= self.max_silence
        return turn if alive and not gap else None
