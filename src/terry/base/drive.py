"""Differential-drive kinematics, a velocity governor and wheel-encoder odometry (ROS-free).

- `VelocityGovernor`: /cmd_vel in, a safe command out: speeds clamped, acceleration limited, a
  deadman timeout that brings the base to a stop when commands stop arriving, an e-stop that
  zeroes it at once and ignores commands until released, and a forward-speed cap (from
  `terry.base.guard`). Bad input is refused with a reason.
- `EncoderOdometry`: wheel encoder counts -> pose (x, y, yaw), velocity and wheel angles,
  integrating each step along its arc and tolerating counter wrap-around.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from terry.model import DriveGeometry


@dataclass(frozen=True)
class DriveLimits:
    """Speed and acceleration limits and the deadman timeout of the base."""

    max_linear: float = 0.5  # m/s
    max_angular: float = 2.0  # rad/s
    max_linear_accel: float = 1.0  # m/s^2
    max_angular_accel: float = 2.0  # rad/s^2
    timeout: float = 0.5  # s without a command -> stop

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"drive limit {name} must be a positive number, got {value}")


def _step_towards(current: float, target: float, max_step: float) -> float:
    return current + max(-max_step, min(max_step, target - current))


@dataclass
class VelocityGovernor:
    """Turns /cmd_vel requests into the command actually sent to the wheels."""

    limits: DriveLimits = field(default_factory=DriveLimits)
    linear: float = 0.0
    angular: float = 0.0
    _target: tuple[float, float] = (0.0, 0.0)
    _last_command: float | None = None
    _last_update: float | None = None
    estopped: bool = False
    forward_cap: float = math.inf  # m/s, set from what the Kinect sees ahead (obstacle_guard)
    speed_scale: float = 1.0  # of the speed limits, below 1 on a low battery (terry.base.battery)

    def command(self, linear: float, angular: float, now: float) -> str | None:
        """Accept a requested twist; return None, or the reason it was refused (nothing moves)."""
        if not (math.isfinite(linear) and math.isfinite(angular)):
            return f"refused cmd_vel ({linear}, {angular}): not a finite number"
        if self.estopped:
            return "refused cmd_vel: e-stop is engaged (publish false on /estop to release)"
        lim = self.limits
        self._target = (
            max(-lim.max_linear, min(lim.max_linear, linear)),
            max(-lim.max_angular, min(lim.max_angular, angular)),
        )
        self._last_command = now
        return None

    def set_estop(self, engaged: bool) -> None:
        """Engaged: stop at once and refuse commands; released: stay stopped until a new one."""
        self.estopped = engaged
        if engaged:
            self.linear = self.angular = 0.0
        self._target = (0.0, 0.0)
        self._last_command = None

    def timed_out(self, now: float) -> bool:
        """True when no command arrived within the deadman timeout."""
        return self._last_command is None or now - self._last_command > self.limits.timeout

    def update(self, now: float) -> tuple[float, float]:
        """Advance to `now`: the (linear, angular) command for the wheels, acceleration-limited."""
        dt = 0.0 if self._last_update is None else max(0.0, now - self._last_update)
        self._last_update = now
        if self.estopped:
            return 0.0, 0.0
        target = (0.0, 0.0) if self.timed_out(now) else self._target
        lim, scale = self.limits, self.speed_scale
        linear = max(-lim.max_linear * scale, min(lim.max_linear * scale, target[0]))
        angular = max(-lim.max_angular * scale, min(lim.max_angular * scale, target[1]))
        forward = min(linear, self.forward_cap)
        self.linear = _step_towards(self.linear, forward, lim.max_linear_accel * dt)
        self.angular = _step_towards(self.angular, angular, lim.max_angular_accel * dt)
        return self.linear, self.angular


@dataclass(frozen=True)
class Pose2D:
    x: float = 0.0
    y: float = 0.0
    yaw: float = 0.0

    def quaternion(self) -> tuple[float, float, float, float]:
        """The heading as a quaternion (x, y, z, w) about the z axis."""
        return 0.0, 0.0, math.sin(self.yaw / 2), math.cos(self.yaw / 2)

    @classmethod
    def projected(cls, x: float, y: float, q: tuple[float, float, float, float]) -> Pose2D:
        """A 3-D pose (position, quaternion x y z w) on the ground plane: the x axis's heading."""
        qx, qy, qz, qw = q
        return cls(x, y, math.atan2(2 * (qx * qy + qw * qz), 1 - 2 * (qy * qy + qz * qz)))


def integrate_arc(pose: Pose2D, distance: float, turn: float) -> Pose2D:
    """The pose after driving `distance` along an arc that turns by `turn` (exact for arcs)."""
    if abs(turn) < 1e-9:
        heading = pose.yaw + turn / 2
        dx, dy = distance * math.cos(heading), distance * math.sin(heading)
    else:
        radius = distance / turn
        dx = radius * (math.sin(pose.yaw + turn) - math.sin(pose.yaw))
        dy = -radius * (math.cos(pose.yaw + turn) - math.cos(pose.yaw))
    yaw = math.atan2(math.sin(pose.yaw + turn), math.cos(pose.yaw + turn))
    return Pose2D(pose.x + dx, pose.y + dy, yaw)


@dataclass
class EncoderOdometry:
    """Integrates wheel encoder counts into odometry (pose in the odom frame, body velocity).

    Velocity is measured over the last `velocity_window` seconds, so a reading that repeats
    (encoder reports and the host's loop are not in step) does not read as a stop."""

    geometry: DriveGeometry
    ticks_per_rev: float
    counter_bits: int = 32
    velocity_window: float = 0.2
    rest_after: float = 0.5  # s without a count: the base stands, the gyro's turn is not used
    pose: Pose2D = field(default_factory=Pose2D)
    linear: float = 0.0
    angular: float = 0.0
    wheel_angles: tuple[float, float] = (0.0, 0.0)
    _last: tuple[int, int] | None = None
    _history: deque[tuple[float, float, float]] = field(default_factory=deque)
    _travel: tuple[float, float] = (0.0, 0.0)  # distance and turn since start, unwrapped
    _moved_at: float | None = None  # stamp of the last count that changed

    def __post_init__(self) -> None:
        if not self.ticks_per_rev > 0:
            raise ValueError(f"ticks_per_rev must be positive, got {self.ticks_per_rev}")

    def _delta(self, new: int, old: int) -> int:
        """new - old for a signed two's-complement counter of counter_bits, across wrap-around."""
        span = 1 << self.counter_bits
        return (new - old + span // 2) % span - span // 2

    def update(
        self, left_ticks: int, right_ticks: int, stamp: float, turn: float | None = None
    ) -> Pose2D:
        """Feed the latest encoder counts; the first call only sets the reference. `turn`: the
        heading change since the last call as the gyro measured it (terry.base.gyro), used
        instead of the wheels' unless no count has changed for `rest_after` seconds (a resting
        gyro's drift is not a turn; a slow turn moves a count only every few updates)."""
        if self._last is not None:
            last_left, last_right = self._last
            rad_per_tick = 2 * math.pi / self.ticks_per_rev
            d_left = self._delta(left_ticks, last_left) * rad_per_tick
            d_right = self._delta(right_ticks, last_right) * rad_per_tick
            if d_left or d_right:
                self._moved_at = stamp
            distance, wheel_turn = self.geometry.body_twist(d_left, d_right)
            resting = self._moved_at is None or stamp - self._moved_at > self.rest_after
            if turn is None or resting:
                turn = wheel_turn
            self.pose = integrate_arc(self.pose, distance, turn)
            self.wheel_angles = (self.wheel_angles[0] + d_left, self.wheel_angles[1] + d_right)
            self._travel = (self._travel[0] + distance, self._travel[1] + turn)
        self._last = (left_ticks, right_ticks)
        self._measure_velocity(stamp)
        return self.pose

    def _measure_velocity(self, stamp: float) -> None:
        history = self._history
        history.append((stamp, *self._travel))
        while len(history) > 2 and stamp - history[1][0] >= self.velocity_window:
            history.popleft()
        then, distance, turn = history[0]
        if stamp > then:
            self.linear = (self._travel[0] - distance) / (stamp - then)
            self.angular = (self._travel[1] - turn) / (stamp - then)

    def restart_counts(self) -> None:
        """The encoders restarted (board reset): the next reading is the new reference."""
        self._last = None
