"""Sinusoidal re-timing of joint trajectories (ROS-free).

Every segment of a plan moves each joint from p0 to p0 + d in T seconds with a velocity of
sinusoidal shape, v(theta) = a + b cos(theta) + c sin(theta), theta = pi (t - start) / T, where
a = (v0 + v1) / 2, b = (v0 - v1) / 2 and c makes the displacement come out exact. From rest to
rest (v0 = v1 = 0) this is the raised-cosine position profile; with end velocities it blends
smoothly through waypoints. Position and velocity are continuous everywhere, acceleration and
jerk are bounded (jerk <= (pi / T)^2 * sqrt(b^2 + c^2)).

Each segment's T is the requested time (a trajectory point's time_from_start) or, where none is
given, the shortest that the joints' velocity limits and `max_acceleration` allow; T stretches
if the request would exceed a limit, and one T serves all joints so they arrive together. A new
command splices onto the running plan from its position and velocity at that instant. (Over 300
lines: the profile, its limits and the splice are one piece of mathematics, tested as one.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from terry.arm.joint_input import JointInputError, check_names, check_optional, check_positions
from terry.model import JointSpec

STOP = "stop"  # come to rest at every waypoint
PASS_THROUGH = "pass_through"  # keep moving through intermediate waypoints
MODES = (STOP, PASS_THROUGH)
_GROWTH = 1.05  # duration search step
_STEPS = 200  # 1.05 ** 200: up to 17000 times the first guess
_TOLERANCE = 1e-9


class CommandError(JointInputError):
    """A command the shim refuses; the reason says what to fix. Nothing is sent."""


@dataclass(frozen=True)
class Command:
    """A validated trajectory: joint names, and per point its time (None: as fast as allowed)."""

    names: tuple[str, ...]
    times: tuple[float | None, ...]
    points: tuple[tuple[float, ...], ...]


def parse_command(
    names: Sequence[str],
    points: Sequence[tuple[float, Sequence[float], *tuple[Sequence[float], ...]]],
    joints: Mapping[str, JointSpec],
) -> Command:
    """Check names, lengths, numbers, times and joint limits of the points (time_from_start,
    positions[, velocities, accelerations, effort]: checked, not used); CommandError says why."""
    names = check_names(names, joints, CommandError)
    if not points:
        raise CommandError("no points")
    times = [t for t, *_ in points]
    if not all(math.isfinite(t) and t >= 0 for t in times):
        raise CommandError(f"time_from_start must be finite and >= 0, got {times}")
    timed = any(t > 0 for t in times)
    if timed and any(b <= a for a, b in pairwise(times)):
        raise CommandError(f"time_from_start must increase from point to point, got {times}")
    if not timed and len(points) > 1:
        raise CommandError("several points without time_from_start: give each point a time")
    parsed = []
    for i, (_, positions, *rest) in enumerate(points):
        parsed.append(check_positions(i, names, positions, joints, CommandError))
        check_optional(i, names, rest, CommandError)
    return Command(names, tuple(t if timed else None for t in times), tuple(parsed))


@dataclass(frozen=True)
class _Profile:
    """One joint over one segment: v(theta) = a + b cos(theta) + c sin(theta)."""

    p0: float
    a: float
    b: float
    c: float

    @classmethod
    def of(cls, p0: float, d: float, v0: float, v1: float, duration: float) -> _Profile:
        a = (v0 + v1) / 2
        return cls(p0, a, (v0 - v1) / 2, math.pi * (d / duration - a) / 2)

    @property
    def amplitude(self) -> float:
        return math.hypot(self.b, self.c)

    def position(self, theta: float, duration: float) -> float:
        b_term = self.b * math.sin(theta) + self.c * (1 - math.cos(theta))
        return self.p0 + duration * (self.a * theta + b_term) / math.pi

    def velocity(self, theta: float) -> float:
        return self.a + self.b * math.cos(theta) + self.c * math.sin(theta)

    def _inside(self, *angles: float) -> list[float]:
        found = [0.0, math.pi]
        for angle in angles:
            for shifted in (angle - 2 * math.pi, angle, angle + 2 * math.pi):
                if 0.0 <= shifted <= math.pi:
                    found.append(shifted)
        return found

    def peak_speed(self) -> float:
        phase = math.atan2(self.c, self.b)
        return max(abs(self.velocity(t)) for t in self._inside(phase, phase + math.pi))

    def position_range(self, duration: float) -> tuple[float, float]:
        """Lowest and highest position over the segment (at its ends or where v = 0)."""
        radius, angles = self.amplitude, []
        if radius > 0 and abs(self.a) <= radius:
            phase, spread = math.atan2(self.c, self.b), math.acos(-self.a / radius)
            angles = [phase + spread, phase - spread]
        values = [self.position(t, duration) for t in self._inside(*angles)]
        return min(values), max(values)


@dataclass(frozen=True)
class Segment:
    start: float
    duration: float
    profiles: tuple[_Profile, ...]

    @property
    def end(self) -> float:
        return self.start + self.duration

    def sample(self, time: float) -> tuple[list[float], list[float]]:
        theta = math.pi * min(max((time - self.start) / self.duration, 0.0), 1.0)
        return (
            [p.position(theta, self.duration) for p in self.profiles],
            [p.velocity(theta) for p in self.profiles],
        )

    def jerk_bound(self) -> float:
        return (math.pi / self.duration) ** 2 * max(p.amplitude for p in self.profiles)


@dataclass(frozen=True)
class Plan:
    """Where every joint is commanded to be, and how fast, from `start` on."""

    names: tuple[str, ...]
    start: float
    positions: tuple[float, ...]  # at start, also where a plan without segments holds
    segments: tuple[Segment, ...] = ()

    @property
    def end(self) -> float:
        return self.segments[-1].end if self.segments else self.start

    @property
    def goal(self) -> tuple[float, ...]:
        return tuple(self.sample(self.end)[0])

    def sample(self, time: float) -> tuple[list[float], list[float]]:
        """Positions and velocities at `time` (held at rest before and after the plan)."""
        if not self.segments:
            return list(self.positions), [0.0] * len(self.names)
        for segment in self.segments:
            if time < segment.end:
                return segment.sample(time)
        positions, _ = self.segments[-1].sample(self.end)
        return positions, [0.0] * len(self.names)


class Smoother:
    """Plans sinusoidal motion for a fixed set of joints within their URDF limits."""

    def __init__(
        self,
        joints: Mapping[str, JointSpec],
        max_acceleration: float = 8.0,
        min_duration: float = 0.02,
    ) -> None:
        if not max_acceleration > 0 or not min_duration > 0:
            raise ValueError("max_acceleration and min_duration must be > 0")
        self.joints = dict(joints)
        self.names = tuple(joints)
        self.specs = tuple(joints.values())
        self.max_acceleration = max_acceleration
        self.min_duration = min_duration

    def hold(self, time: float, positions: Mapping[str, float]) -> Plan:
        """A plan at rest; joints missing from `positions` are put at 0 within their limits."""
        held = []
        for name, spec in zip(self.names, self.specs, strict=True):
            value = positions.get(name, 0.0)
            held.append(min(max(value if math.isfinite(value) else 0.0, spec.lower), spec.upper))
        return Plan(self.names, time, tuple(held))

    def splice(self, current: Plan, time: float, command: Command, mode: str = STOP) -> Plan:
        """A new plan from `current`'s position and velocity at `time` through the command's
        points; joints the command leaves out keep their current goal."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        positions, velocities = current.sample(time)
        goal = current.goal
        index = {name: i for i, name in enumerate(command.names)}
        waypoints = [
            [point[index[n]] if n in index else goal[j] for j, n in enumerate(self.names)]
            for point in command.points
        ]
        requested, previous = [], 0.0
        for t in command.times:
            requested.append(0.0 if t is None else t - previous)
            previous = t or 0.0
        starts = [positions, *waypoints[:-1]]
        moves = [
            [e - s for s, e in zip(a, b, strict=True)]
            for a, b in zip(starts, waypoints, strict=True)
        ]
        ends = self._waypoint_velocities(moves, requested, mode)
        segments, start, p0, v0 = [], time, positions, velocities
        for move, wanted, v1 in zip(moves, requested, ends, strict=True):
            try:
                segment = self._segment(start, p0, move, v0, v1, wanted)
            except CommandError:  # no one duration suits every joint: come to rest, then go
                target = [p + d for p, d in zip(p0, move, strict=True)]
                brake = self._brake(start, p0, v0)
                segments.append(brake)
                p0 = brake.sample(brake.end)[0]
                move = [t - p for t, p in zip(target, p0, strict=True)]
                segment = self._segment(brake.end, p0, move, [0.0] * len(p0), v1, wanted)
            segments.append(segment)
            start, p0, v0 = segment.end, segment.sample(segment.end)[0], v1
        return Plan(self.names, time, tuple(positions), tuple(segments))

    def _waypoint_velocities(
        self,
        moves: list[list[float]],
        requested: list[float],
        mode: str,
    ) -> list[list[float]]:
        """End velocity of each segment: 0 at stops and the last point, else the slower of the
        neighbouring segments' mean velocities when both move the same way."""
        rest = [0.0] * len(self.names)
        if mode == STOP:
            return [rest for _ in moves]
        durations = [
            max(wanted, self._nominal(move)) for move, wanted in zip(moves, requested, strict=True)
        ]
        ends = []
        for i in range(len(moves) - 1):
            velocities = []
            for j in range(len(self.names)):
                before, after = moves[i][j] / durations[i], moves[i + 1][j] / durations[i + 1]
                same_way = before * after > 0
                velocities.append(math.copysign(min(abs(before), abs(after)), before) * same_way)
            ends.append(velocities)
        return [*ends, rest]

    def _brake(self, start: float, p0: Sequence[float], v0: Sequence[float]) -> Segment:
        """Every joint from v0 to rest with a monotone speed (c = 0), short enough to stop
        within its limits, else as gentle as the acceleration limit asks."""
        gentle, room = 1e-3, math.inf
        for p, v, spec in zip(p0, v0, self.specs, strict=True):
            if v:
                gentle = max(gentle, math.pi * abs(v) / (2 * self.max_acceleration))
                free = (spec.upper - p) if v > 0 else (p - spec.lower)
                room = min(room, 2 * max(free, 0.0) / abs(v))
        duration = max(min(gentle, room), 1e-9)
        moves = [v * duration / 2 for v in v0]
        profiles = tuple(
            _Profile.of(p, d, v, 0.0, duration) for p, d, v in zip(p0, moves, v0, strict=True)
        )
        return Segment(start, duration, profiles)

    def _nominal(self, move: Sequence[float]) -> float:
        """Rest-to-rest raised-cosine time within velocity and acceleration limits."""
        longest = self.min_duration
        for d, spec in zip(move, self.specs, strict=True):
            longest = max(
                longest,
                math.pi / 2 * abs(d) / spec.velocity,
                math.pi * math.sqrt(abs(d) / (2 * self.max_acceleration)),
            )
        return longest

    def _segment(
        self,
        start: float,
        p0: Sequence[float],
        move: Sequence[float],
        v0: Sequence[float],
        v1: Sequence[float],
        wanted: float,
    ) -> Segment:
        """The shortest segment of at least `wanted` s within every limit: velocity and position
        limits always, the acceleration limit too unless the position limits forbid it."""
        first = max(wanted, self._nominal(move))
        # where a joint blends straight from v0 to v1 (c = 0): monotone, no overshoot
        means = [(d, (a + b) / 2) for d, a, b in zip(move, v0, v1, strict=True)]
        blends = {d / mean for d, mean in means if d * mean > 0 and math.isfinite(d / mean)}
        candidates = sorted({first * _GROWTH**k for k in range(_STEPS)} | blends)
        longer = [d for d in candidates if d >= first]
        shorter = [d for d in reversed(candidates) if 1e-6 <= d < first]
        shorter += [first / _GROWTH**k for k in range(1, _STEPS) if first / _GROWTH**k >= 1e-3]
        fallback = None
        for duration in longer + shorter:
            profiles = tuple(
                _Profile.of(*args, duration) for args in zip(p0, move, v0, v1, strict=True)
            )
            verdict = self._check(profiles, duration)
            if verdict == 2 and duration >= first:
                return Segment(start, duration, profiles)
            if verdict >= 1 and fallback is None:
                fallback = Segment(start, duration, profiles)
        if fallback is None:  # cannot happen from a state within limits; keep it safe anyway
            raise CommandError("no motion within the joint limits from the current state")
        return fallback

    def _check(self, profiles: Sequence[_Profile], duration: float) -> int:
        """2: within every limit; 1: within velocity and position limits only; 0: neither."""
        accelerating = True
        for profile, spec in zip(profiles, self.specs, strict=True):
            if profile.peak_speed() > spec.velocity * (1 + _TOLERANCE) + _TOLERANCE:
                return 0
            low, high = profile.position_range(duration)
            if low < spec.lower - _TOLERANCE or high > spec.upper + _TOLERANCE:
                return 0
            peak_acceleration = math.pi / duration * profile.amplitude
            accelerating &= peak_acceleration <= self.max_acceleration * (1 + _TOLERANCE)
        return 2 if accelerating else 1
