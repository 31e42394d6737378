"""The IMU's calibration (ROS-free): gyro bias, accelerometer offsets and scale, fitted from a few
still poses, kept in config/calibration/imu.yaml and applied by the imu node before its filter.

Model, per axis i: measured accel_i = scale_i * true_i + offset_i; measured gyro_i = true_i +
bias_i. At rest the true acceleration is gravity, of known length, in whatever direction the pose
puts it, so each still pose's mean reading m lies on the ellipsoid
sum_i ((m_i - offset_i) / scale_i)^2 = g^2. That is linear in a_i = 1 / (s_i^2 k) and
b_i = -2 o_i / (s_i^2 k) (k the constant term): sum_i a_i m_i^2 + b_i m_i = 1, solved by least
squares over six or more poses that show each axis both up and down (the six faces of a box).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from terry.calibration import files
from terry.sensors.imu import GRAVITY

Vector = tuple[float, float, float]
NAME = "imu"
HEADER = """IMU calibration (terry.bringup.calibrate_imu), applied by the imu node at start:
gyro = raw - gyro_bias (rad/s); accel = (raw - accel_offset) / accel_scale (m/s^2).
Delete this file to go back to the raw readings (and the gyro's bias measured at rest)."""
SCALE_RANGE = (0.8, 1.2)  # an accelerometer gain beyond these is a wrong pose or a broken part
MAX_OFFSET = 0.2 * GRAVITY  # m/s^2


@dataclass(frozen=True)
class ImuCalibration:
    gyro_bias: Vector = (0.0, 0.0, 0.0)  # rad/s
    accel_offset: Vector = (0.0, 0.0, 0.0)  # m/s^2
    accel_scale: Vector = (1.0, 1.0, 1.0)

    def __post_init__(self) -> None:
        for name in ("gyro_bias", "accel_offset", "accel_scale"):
            value = getattr(self, name)
            if len(value) != 3 or not all(math.isfinite(v) for v in value):
                raise ValueError(f"{name} must be three finite numbers, got {value!r}")
        if not all(v > 0 for v in self.accel_scale):
            raise ValueError(f"accel_scale must be positive, got {self.accel_scale}")

    def gyro(self, raw: Vector) -> Vector:
        return tuple(r - b for r, b in zip(raw, self.gyro_bias, strict=True))  # type: ignore[return-value]

    def accel(self, raw: Vector) -> Vector:
        return tuple(
            (r - o) / s for r, o, s in zip(raw, self.accel_offset, self.accel_scale, strict=True)
        )  # type: ignore[return-value]


@dataclass(frozen=True)
class StillPose:
    """The mean readings over one still pose (SI units, before any calibration)."""

    accel: Vector
    gyro: Vector


def fit(poses: Sequence[StillPose]) -> ImuCalibration:
    """The calibration from six or more still poses; ValueError saying what is missing."""
    if len(poses) < 6:
        raise ValueError(f"need six still poses or more (each axis up and down), got {len(poses)}")
    accel = np.array([p.accel for p in poses], dtype=float)
    for axis, name in enumerate("xyz"):
        if accel[:, axis].max() < 0.5 * GRAVITY or accel[:, axis].min() > -0.5 * GRAVITY:
            raise ValueError(
                f"no pose has the {name} axis pointing up and another pointing down "
                f"(its readings span {accel[:, axis].min():.2f}..{accel[:, axis].max():.2f} "
                "m/s^2): add those poses"
            )
    design = np.hstack([accel**2, accel])
    solution = np.linalg.lstsq(design, np.ones(len(poses)), rcond=None)[0]
    a, b = solution[:3], solution[3:]
    if not all(a > 0):
        raise ValueError("the poses do not fit one gravity: was the robot still in each?")
    offset = -b / (2 * a)
    k = 1 + float(np.sum(a * offset**2))  # sum a (m - o)^2 = k at every pose
    scale = np.sqrt(k / a) / GRAVITY
    if (
        not all(SCALE_RANGE[0] <= s <= SCALE_RANGE[1] for s in scale)
        or max(abs(offset)) > MAX_OFFSET
    ):
        raise ValueError(
            f"fitted scale {np.round(scale, 3).tolist()} and offset "
            f"{np.round(offset, 3).tolist()} m/s^2 are beyond what an MPU-6050 does: "
            "were the poses still and distinct?"
        )
    gyro = np.mean([p.gyro for p in poses], axis=0)
    return ImuCalibration(
        tuple(float(v) for v in gyro),  # type: ignore[arg-type]
        tuple(float(v) for v in offset),  # type: ignore[arg-type]
        tuple(float(v) for v in scale),  # type: ignore[arg-type]
    )


def save(calibration: ImuCalibration, path: str | Path | None = None) -> Path:
    data = {
        name: [round(v, 6) for v in getattr(calibration, name)]
        for name in ("gyro_bias", "accel_offset", "accel_scale")
    }
    return files.write(path or files.default_path(NAME), HEADER, data)


def load(path: str | Path | None = None) -> tuple[ImuCalibration | None, Path]:
    """The calibration in the file (None when there is none) and the file's path; ValueError
    naming the file when it is malformed."""
    path = Path(path or files.default_path(NAME))
    data = files.read(path)
    if data is None:
        return None, path
    unknown = set(data) - {"gyro_bias", "accel_offset", "accel_scale"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    try:
        values = {k: tuple(float(v) for v in data[k]) for k in data}
        return ImuCalibration(**values), path  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: {error}") from None
