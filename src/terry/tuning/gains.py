"""One motor's tuning (the firmware's PID gains and its reference's speed and acceleration
limits, firmware/lib/motor.h) in SI units, the checks the firmware applies, and MotorTuning's
fixed-point wire form. Defaults and ceilings come from config/tuning.yaml.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import yaml

from terry.link import messages as m
from terry.paths import package_file

GAIN_LIMIT = 100000.0  # the largest kp, ki, kd the firmware takes (MOTOR_GAIN_LIMIT)
MIN_LIMIT = 0.001  # the smallest max_speed (rad/s) and max_accel (rad/s^2) (MOTOR_MIN_LIMIT)
GAIN_SCALE = 1000  # wire units per PWM per rad (1/1000)
LIMIT_SCALE = 1_000_000  # wire units per rad/s, rad/s^2 (micro)
UNITS = {
    "kp": "PWM/rad",
    "ki": "PWM/(rad*s)",
    "kd": "PWM/(rad/s)",
    "max_speed": "rad/s",
    "max_accel": "rad/s^2",
}


@dataclass(frozen=True)
class MotorTuning:
    kp: float  # PWM (of 255) per rad of tracking error
    ki: float  # PWM per rad*s
    kd: float  # PWM per rad/s
    max_speed: float  # rad/s
    max_accel: float  # rad/s^2

    def items(self) -> list[tuple[str, float]]:
        return [(field.name, getattr(self, field.name)) for field in fields(self)]


FIELDS = tuple(field.name for field in fields(MotorTuning))


@dataclass(frozen=True)
class MotorSpec:
    """A motor's defaults and the ceilings its firmware enforces on max_speed and max_accel."""

    name: str  # "pan", "wheel": the parameters' prefix
    defaults: MotorTuning
    speed_ceiling: float
    accel_ceiling: float

    def bounds(self, field: str) -> tuple[float, float]:
        if field == "max_speed":
            return MIN_LIMIT, self.speed_ceiling
        if field == "max_accel":
            return MIN_LIMIT, self.accel_ceiling
        return 0.0, GAIN_LIMIT

    def refusal(self, tuning: MotorTuning) -> str | None:
        """Why the firmware would refuse `tuning` (not a number, negative, beyond a ceiling), or
        None."""
        for field, value in tuning.items():
            low, high = self.bounds(field)
            if not (type(value) in (int, float) and low <= value <= high):  # not a bool
                return (
                    f"{self.name} {field} {value!r} refused: it must be a number within "
                    f"{low:g} .. {high:g} {UNITS[field]}; the tuning stays as it was"
                )
        return None


def to_message(axis: int, tuning: MotorTuning) -> m.MotorTuning:
    """The wire message; ValueError if a value does not fit it (check refusal() first)."""
    gains = (round(v * GAIN_SCALE) for v in (tuning.kp, tuning.ki, tuning.kd))
    limits = (round(v * LIMIT_SCALE) for v in (tuning.max_speed, tuning.max_accel))
    return m.MotorTuning(axis, *gains, *limits)


def from_message(message: m.MotorTuning) -> MotorTuning:
    """SI values of a wire message, as the firmware reads them."""
    _axis, kp, ki, kd, speed, accel = astuple(message)
    return MotorTuning(
        kp / GAIN_SCALE, ki / GAIN_SCALE, kd / GAIN_SCALE, speed / LIMIT_SCALE, accel / LIMIT_SCALE
    )


def load_specs(path: Path | None = None) -> dict[str, MotorSpec]:
    """The motors of config/tuning.yaml (or `path`) by name; ValueError naming what is wrong."""
    path = path or package_file("config", "tuning.yaml")
    try:
        data = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the motor tuning {path}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected motors by name, got {data!r}")
    specs = {}
    for name, entry in data.items():
        try:
            values = {field: float(entry[field]) for field in FIELDS}
            ceilings = entry["ceilings"]
            spec = MotorSpec(
                name,
                MotorTuning(**values),
                float(ceilings["max_speed"]),
                float(ceilings["max_accel"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: motor {name!r}: missing or bad {error}") from None
        reason = spec.refusal(spec.defaults)
        if reason or not all(math.isfinite(v) for v in (spec.speed_ceiling, spec.accel_ceiling)):
            raise ValueError(f"{path}: {reason or f'motor {name!r}: bad ceilings'}")
        specs[name] = spec
    return specs
