"""What the arm's action servers decide, without ROS: goals checked, followed and judged.

A FollowJointTrajectory goal is validated (`parse_goal`), then followed by a `GoalMonitor` that
compares the *measured* joints (/joint_states) with the reference, the motion the executor was
asked for: the smoothing shim's sinusoidal re-timing (`smoothed_reference`, the same planner the
shim runs) or the servo driver's linear one (`linear_reference`). Path tolerances bound the
distance to the reference while the trajectory runs; goal tolerances must hold from the
trajectory's end until `goal_time_tolerance` later at the latest. Result codes are control_msgs'
own. Tolerances follow control_msgs/JointTolerance: > 0 the bound, 0 the server's default,
< 0 no check. Positions and the goal's velocities are checked; accelerations are not measured.

The claw (GripperCommand) is a `ClawMonitor`: reached, or stalled when its measured angle stops
short of the command while the command is still ahead. A hobby servo's torque grows with the
gap between its command and where it is, so `squeeze_target` honours max_effort by commanding
a stalled claw only `effort / stiffness` past the point where it stopped. (Over 300 lines: the
checks and verdicts of both actions use one goal model.)
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from terry.arm.joint_input import JointInputError, check_names, check_positions
from terry.arm.motion import TrajectoryPlayer, TrajectoryPoint
from terry.arm.smoothing import Command, Plan, Smoother
from terry.model import JointSpec

ARM_ACTION = "/arm_controller/follow_joint_trajectory"  # MoveIt: controller name + action_ns
GRIPPER_ACTION = "/gripper_controller/gripper_cmd"
SUCCESSFUL = 0  # control_msgs/FollowJointTrajectoryResult's codes
INVALID_GOAL = -1
INVALID_JOINTS = -2
PATH_TOLERANCE_VIOLATED = -4
GOAL_TOLERANCE_VIOLATED = -5


class GoalRefused(JointInputError):
    """A goal that cannot be executed; `code` is the result's error code. Nothing moves."""

    def __init__(self, message: str, code: int = INVALID_GOAL) -> None:
        super().__init__(message)
        self.code = code


class _InvalidJoints(GoalRefused):
    def __init__(self, message: str) -> None:
        super().__init__(message, INVALID_JOINTS)


class Verdict(NamedTuple):
    code: int
    reason: str

    @property
    def succeeded(self) -> bool:
        return self.code == SUCCESSFUL


@dataclass(frozen=True)
class Tolerance:
    """Bounds on one joint's error (rad, rad/s); inf: not checked."""

    position: float = math.inf
    velocity: float = math.inf


@dataclass(frozen=True)
class Goal:
    names: tuple[str, ...]
    times: tuple[float, ...]  # time_from_start; all 0: one point, as fast as the limits allow
    points: tuple[tuple[float, ...], ...]
    path: Mapping[str, Tolerance]
    goal: Mapping[str, Tolerance]
    goal_time: float

    @property
    def target(self) -> dict[str, float]:
        return dict(zip(self.names, self.points[-1], strict=True))

    def command(self) -> Command:
        """The goal as the smoothing planner takes it."""
        timed = self.times[-1] > 0
        return Command(self.names, tuple(t if timed else None for t in self.times), self.points)


def _resolve(
    given: Sequence[tuple[str, float, float]],
    names: Sequence[str],
    defaults: Mapping[str, Tolerance],
    kind: str,
) -> dict[str, Tolerance]:
    """Per joint of the goal: the given bound (> 0), the default (0), none (< 0)."""
    resolved = {n: defaults.get(n, Tolerance()) for n in names}
    for name, position, velocity in given:
        if name not in resolved:
            raise GoalRefused(f"{kind} tolerance for {name!r}, which the trajectory does not move")
        if not (math.isfinite(position) and math.isfinite(velocity)):
            raise GoalRefused(f"{kind} tolerance for {name} must be finite numbers")
        default = resolved[name]
        resolved[name] = Tolerance(
            position if position > 0 else math.inf if position < 0 else default.position,
            velocity if velocity > 0 else math.inf if velocity < 0 else default.velocity,
        )
    return resolved


def parse_goal(
    names: Sequence[str],
    points: Sequence[tuple[float, Sequence[float]]],
    path_tolerance: Sequence[tuple[str, float, float]],
    goal_tolerance: Sequence[tuple[str, float, float]],
    goal_time: float,
    joints: Mapping[str, JointSpec],
    defaults: tuple[Mapping[str, Tolerance], Mapping[str, Tolerance], float],
) -> Goal:
    """A checked goal; GoalRefused with the code and reason otherwise. `defaults` is
    (path tolerances, goal tolerances, goal time) for what the goal leaves at 0."""
    names = check_names(names, joints, _InvalidJoints)
    if not names:
        raise _InvalidJoints("the trajectory names no joints")
    if not points:
        raise GoalRefused("the trajectory has no points")
    times = tuple(float(t) for t, _ in points)
    if not all(math.isfinite(t) and t >= 0 for t in times):
        raise GoalRefused(f"time_from_start must be finite and >= 0, got {list(times)}")
    if times[-1] == 0 and len(times) > 1:
        raise GoalRefused("several points need times: give each point a time_from_start")
    if any(b <= a for a, b in pairwise(times)):
        raise GoalRefused(f"time_from_start must increase from point to point, got {list(times)}")
    parsed = tuple(
        check_positions(i, names, positions, joints, GoalRefused)
        for i, (_, positions) in enumerate(points)
    )
    if not (math.isfinite(goal_time) and goal_time >= 0):
        raise GoalRefused(f"goal_time_tolerance must be finite and >= 0, got {goal_time}")
    path_defaults, goal_defaults, default_time = defaults
    return Goal(
        names,
        times,
        parsed,
        _resolve(path_tolerance, names, path_defaults, "path"),
        _resolve(goal_tolerance, names, goal_defaults, "goal"),
        goal_time or default_time,
    )


class Reference:
    """Where the executor is asked to put the joints at any time: sample(t) and done(t)."""

    def __init__(
        self, sample: Callable[[float], Mapping[str, float]], done: Callable[[float], bool]
    ) -> None:
        self.sample = sample
        self.done = done


def smoothed_reference(
    smoother: Smoother, mode: str, previous: Plan | None, now: float, measured, goal: Goal
) -> tuple[Plan, Reference]:
    """The plan the smoothing shim makes of `goal` at `now`: spliced onto the running plan as
    the shim splices it, or from the measured joints when the arm is at rest."""
    current = previous if previous is not None and now < previous.end else None
    plan = smoother.splice(current or smoother.hold(now, measured), now, goal.command(), mode)
    return plan, Reference(
        lambda t: dict(zip(plan.names, plan.sample(t)[0], strict=True)),
        lambda t: t >= plan.end,
    )


def linear_reference(joints: Mapping[str, JointSpec], now, measured, goal: Goal) -> Reference:
    """What the servo driver does with the goal sent as is: linear, within velocity limits."""
    player = TrajectoryPlayer(joints, {n: measured.get(n, 0.0) for n in joints})
    player.start(
        now,
        [
            TrajectoryPoint(t, dict(zip(goal.names, p, strict=True)))
            for t, p in zip(goal.times, goal.points, strict=True)
        ],
    )
    return Reference(player.sample, player.done)


class GoalMonitor:
    """Judges one goal against measurements: check() returns a Verdict once it is decided."""

    def __init__(self, goal: Goal, start: float, reference: Reference) -> None:
        self.goal = goal
        self.start = start
        self.reference = reference
        timed = goal.times[-1] > 0
        self.end: float | None = start + goal.times[-1] if timed else None
        self.target = goal.target

    def check(
        self, now: float, positions: Mapping[str, float], velocities: Mapping[str, float]
    ) -> Verdict | None:
        if self.end is None and self.reference.done(now):
            self.end = now  # as fast as allowed: the reference's end is the trajectory's
        if self.end is None or now < self.end:
            return self._path(now, positions)
        errors = self._goal_errors(positions, velocities)
        if not errors:
            return Verdict(
                SUCCESSFUL,
                f"reached within the goal tolerances {now - self.end:+.2f} "
                "s from the trajectory's end",
            )
        if now > self.end + self.goal.goal_time:
            return Verdict(
                GOAL_TOLERANCE_VIOLATED,
                f"{'; '.join(errors)} at {now - self.end:.2f} s after the trajectory's end "
                f"(goal_time_tolerance {self.goal.goal_time:.2f} s)",
            )
        return None

    def _path(self, now: float, positions: Mapping[str, float]) -> Verdict | None:
        desired = self.reference.sample(now)
        for name in self.goal.names:
            bound = self.goal.path[name].position
            error = positions[name] - desired[name]
            if abs(error) > bound:
                return Verdict(
                    PATH_TOLERANCE_VIOLATED,
                    f"{name} is {error:+.3f} rad from its path (tolerance {bound:.3f}) "
                    f"{now - self.start:.2f} s into the trajectory: measured "
                    f"{positions[name]:.3f}, commanded {desired[name]:.3f}",
                )
        return None

    def _goal_errors(
        self, positions: Mapping[str, float], velocities: Mapping[str, float]
    ) -> list[str]:
        errors = []
        for name, target in self.target.items():
            bound = self.goal.goal[name]
            error = positions[name] - target
            if abs(error) > bound.position:
                errors.append(
                    f"{name} is {error:+.3f} rad from its goal {target:.3f} "
                    f"(tolerance {bound.position:.3f})"
                )
            elif abs(velocities.get(name, 0.0)) > bound.velocity:
                errors.append(
                    f"{name} still moves at {velocities[name]:.3f} rad/s "
                    f"(tolerance {bound.velocity:.3f})"
                )
        return errors


def stopping_point(
    positions: Mapping[str, float],
    velocities: Mapping[str, float],
    joints: Mapping[str, JointSpec],
    max_acceleration: float,
) -> tuple[dict[str, float], float]:
    """Where the joints come to rest braking together, and in how long: the shim's sinusoidal
    brake (every joint's speed falls monotonically, the fastest at max_acceleration at its peak),
    each stop kept within its joint's limits."""
    speeds = [abs(velocities.get(name, 0.0)) for name in positions]
    duration = math.pi * max(speeds, default=0.0) / (2 * max_acceleration)
    stop = {}
    for name, position in positions.items():
        spec = joints[name]
        travel = velocities.get(name, 0.0) * duration / 2
        stop[name] = min(max(position + travel, spec.lower), spec.upper)
    return stop, duration


class ClawMonitor:
    """The claw moving to `target`: reached, or stalled (its measured angle moved less than
    `motion` in the last `stall_time` s while short of the target and the command ahead)."""

    def __init__(self, target: float, tolerance: float, stall_time: float, motion: float) -> None:
        self.target = target
        self.tolerance = tolerance
        self.stall_time = stall_time
        self.motion = motion
        self._history: deque[tuple[float, float]] = deque()

    def reached(self, measured: float) -> bool:
        return abs(measured - self.target) <= self.tolerance

    def stalled(self, now: float, measured: float, commanded: float) -> bool:
        self._history.append((now, measured))
        while len(self._history) > 1 and self._history[1][0] <= now - self.stall_time:
            self._history.popleft()
        since, first = self._history[0]
        direction = math.copysign(1.0, self.target - measured)
        ahead = (commanded - measured) * direction > self.tolerance
        return (
            not self.reached(measured)
            and ahead
            and now - since >= self.stall_time
            and all(abs(m - first) < self.motion for _, m in self._history)
        )


def squeeze_target(
    measured: float, target: float, max_effort: float, spec: JointSpec, stiffness: float
) -> tuple[float, float]:
    """(command, effort) for a claw stalled at `measured` on its way to `target`: the command
    `effort / stiffness` past where it stopped, with effort max_effort (<= 0: the URDF's
    effort limit, the most the servo gives) and never more than the URDF allows."""
    effort = min(max_effort, spec.effort) if max_effort > 0 else spec.effort
    squeeze = math.copysign(effort / stiffness, target - measured)
    command = measured + squeeze
    if abs(command - measured) > abs(target - measured):
        command = target  # not past where it was asked to go
    command = min(max(command, spec.lower), spec.upper)
    return command, stiffness * abs(command - measured)
