"""Per-joint servo calibration (config/servos.yaml): joint radians <-> Maestro quarter-microseconds.

This is the one choke point between joint angles and the wire: `to_quarter_us` refuses any angle
outside the URDF's joint limits or the servo's pulse range, so nothing beyond a limit is ever sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from terry.model import ARM_JOINTS, JointSpec, RobotModel

LIMIT_TOLERANCE = 1e-6  # rad: rounding of a value that was clamped exactly to a limit


class LimitError(ValueError):
    """An angle beyond a joint limit or a servo's pulse range."""


@dataclass(frozen=True)
class ServoChannel:
    joint: JointSpec
    channel: int
    center_us: float
    us_per_rad: float
    direction: int
    min_us: float
    max_us: float

    def to_quarter_us(self, angle: float) -> int:
        """The Maestro target for a joint angle; LimitError if it is not allowed."""
        if not math.isfinite(angle):
            raise LimitError(f"{self.joint.name}: angle must be a finite number, got {angle}")
        if not self.joint.within_limits(angle, LIMIT_TOLERANCE):
            raise LimitError(
                f"{self.joint.name}: {angle:.4f} rad is outside its limits "
                f"[{self.joint.lower:.4f}, {self.joint.upper:.4f}]"
            )
        angle = min(max(angle, self.joint.lower), self.joint.upper)
        pulse = self.center_us + self.direction * self.us_per_rad * angle
        if not self.min_us <= pulse <= self.max_us:
            raise LimitError(
                f"{self.joint.name}: {angle:.4f} rad needs {pulse:.0f} us, outside the servo's "
                f"{self.min_us:.0f}..{self.max_us:.0f} us"
            )
        return round(pulse * 4)

    def to_angle(self, quarter_us: int) -> float:
        """The joint angle for a reported pulse width (quarter-microseconds, not 0)."""
        return (quarter_us / 4 - self.center_us) / (self.direction * self.us_per_rad)

    def speed_limit(self) -> int:
        """The Maestro speed setting (0.25 us per 10 ms) for the joint's URDF velocity limit."""
        if not math.isfinite(self.joint.velocity):
            return 0
        return max(1, math.floor(self.joint.velocity * self.us_per_rad * 4 * 0.010))


def load_calibration(path: str | Path, robot: RobotModel) -> dict[str, ServoChannel]:
    """Calibration of every arm joint, checked against the URDF so the limits fit the servos."""
    data = yaml.safe_load(Path(path).read_text()) or {}
    entries = data.get("joints") or {}
    missing = [name for name in ARM_JOINTS if name not in entries]
    if missing:
        raise ValueError(f"{path}: no calibration for {', '.join(missing)}")
    channels = {}
    for name, entry in entries.items():
        servo = ServoChannel(
            joint=robot.joint(name),
            channel=int(entry["channel"]),
            center_us=float(entry["center_us"]),
            us_per_rad=float(entry["us_per_rad"]),
            direction=int(entry.get("direction", 1)),
            min_us=float(entry.get("min_us", 500)),
            max_us=float(entry.get("max_us", 2500)),
        )
        if servo.direction not in (1, -1) or servo.us_per_rad <= 0:
            raise ValueError(f"{path}: {name}: direction must be 1 or -1 and us_per_rad > 0")
        for limit in (servo.joint.lower, servo.joint.upper):
            servo.to_quarter_us(limit)  # LimitError names the joint if the limits do not fit
        channels[name] = servo
    used = [s.channel for s in channels.values()]
    if len(set(used)) != len(used):
        raise ValueError(f"{path}: two joints share a Maestro channel: {sorted(used)}")
    return channels
