"""Executing a joint trajectory on position servos (ROS-free).

A trajectory is a list of points (time_from_start, joint positions[, velocities]). The player
interpolates linearly from where the joints are when it starts, honouring each point's time,
but never faster than the URDF's velocity limits: a point that comes too soon (time_from_start 0
means "as fast as allowed") is reached later. A new trajectory replaces the running one and
starts from the current setpoint, so nothing jumps. Joints a trajectory does not name hold
still. Velocities, accelerations and effort, when given, are checked (length, finite) but the
path is the linear one.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from terry.arm.joint_input import JointInputError, check_names, check_optional, check_positions
from terry.model import JointSpec


class TrajectoryError(JointInputError):
    """A trajectory that cannot be executed; nothing moves."""


@dataclass(frozen=True)
class TrajectoryPoint:
    time: float
    positions: Mapping[str, float]


def parse_trajectory(
    joint_names: Sequence[str],
    points: Sequence[tuple[float, Sequence[float], *tuple[Sequence[float], ...]]],
    joints: Mapping[str, JointSpec],
) -> list[TrajectoryPoint]:
    """Validated points (time_from_start, positions[, velocities, accelerations, effort]);
    TrajectoryError with the reason for anything that cannot be executed."""
    names = check_names(joint_names, joints, TrajectoryError)
    parsed: list[TrajectoryPoint] = []
    previous = -math.inf
    for index, (time, positions, *rest) in enumerate(points):
        values = check_positions(index, names, positions, joints, TrajectoryError)
        check_optional(index, names, rest, TrajectoryError)
        if not math.isfinite(time) or time < 0 or time <= previous:
            raise TrajectoryError(
                f"point {index}: time_from_start must be finite, >= 0 and increasing "
                f"(got {time} after {previous})"
            )
        previous = time
        parsed.append(TrajectoryPoint(time, dict(zip(names, values, strict=True))))
    return parsed


class TrajectoryPlayer:
    """The setpoint of every joint at any time, following the latest trajectory."""

    def __init__(self, joints: Mapping[str, JointSpec], start: Mapping[str, float]) -> None:
        self.joints = joints
        self._times: list[float] = []
        self._frames: list[dict[str, float]] = []
        self.hold(start)

    def start(self, now: float, points: Sequence[TrajectoryPoint]) -> None:
        """Replace the motion with `points`, timed from `now` and starting at the setpoint now."""
        current = self.sample(now)
        times, frames = [now], [current]
        for point in points:
            frame = {**frames[-1], **point.positions}
            needed = max(
                (abs(frame[n] - frames[-1][n]) / self.joints[n].velocity for n in point.positions),
                default=0.0,
            )
            times.append(max(now + point.time, times[-1] + needed))
            frames.append(frame)
        self._times, self._frames = times, frames

    def hold(self, positions: Mapping[str, float]) -> None:
        """Stop at once and hold these positions (e-stop, or after the servos were limp),
        brought inside the joint limits: a position read back at a limit may lie a fraction of
        a pulse step beyond it."""
        held = {
            n: min(max(v, self.joints[n].lower), self.joints[n].upper) for n, v in positions.items()
        }
        self._times, self._frames = [0.0], [held]

    def sample(self, now: float) -> dict[str, float]:
        """Every joint's setpoint at time `now`."""
        index = bisect.bisect_right(self._times, now)
        if index >= len(self._times):
            return dict(self._frames[-1])
        if index == 0:
            return dict(self._frames[0])
        t0, t1 = self._times[index - 1], self._times[index]
        a, b = self._frames[index - 1], self._frames[index]
        f = (now - t0) / (t1 - t0)
        return {name: a[name] + (b[name] - a[name]) * f for name in a}

    def done(self, now: float) -> bool:
        return now >= self._times[-1]
