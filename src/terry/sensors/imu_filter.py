"""Orientation from an accelerometer and a gyro: Madgwick's gradient-descent filter (IMU form,
no magnetometer), and gyro bias calibration at rest. ROS-free; quaternions are (w, x, y, z).

Without a magnetometer the yaw drifts with the gyro's remaining bias; roll and pitch converge to
gravity at a rate set by beta.
"""

from __future__ import annotations

import math

import numpy as np

Vector = tuple[float, float, float]


class Madgwick:
    """Madgwick's filter; beta (rad/s) trades gyro trust for accelerometer correction."""

    def __init__(self, beta: float = 0.1) -> None:
        if not (math.isfinite(beta) and beta >= 0):
            raise ValueError(f"beta must be a finite non-negative gain, got {beta}")
        self.beta = beta
        self.q = np.array([1.0, 0.0, 0.0, 0.0])
        self.started = False

    def start(self, accel: Vector) -> None:
        """Align roll and pitch with gravity at once (yaw 0), instead of converging slowly."""
        ax, ay, az = accel
        roll, pitch = math.atan2(ay, az), math.atan2(-ax, math.hypot(ay, az))
        cr, sr, cp, sp = (
            math.cos(roll / 2),
            math.sin(roll / 2),
            math.cos(pitch / 2),
            math.sin(pitch / 2),
        )
        self.q = np.array([cr * cp, sr * cp, cr * sp, -sr * sp])
        self.started = True

    def update(self, gyro: Vector, accel: Vector, dt: float) -> np.ndarray:
        """Advance by dt seconds with gyro (rad/s) and accel (any unit); the new quaternion."""
        if not self.started:
            self.start(accel)
        w, x, y, z = self.q
        gx, gy, gz = gyro
        q_dot = 0.5 * np.array(
            [
                -x * gx - y * gy - z * gz,
                w * gx + y * gz - z * gy,
                w * gy - x * gz + z * gx,
                w * gz + x * gy - y * gx,
            ]
        )
        norm = math.sqrt(sum(a * a for a in accel))
        if norm > 0:
            ax, ay, az = (a / norm for a in accel)
            # Gradient of the error between measured and predicted gravity direction.
            f = np.array(
                [
                    2 * (x * z - w * y) - ax,
                    2 * (w * x + y * z) - ay,
                    2 * (0.5 - x * x - y * y) - az,
                ]
            )
            jacobian = np.array(
                [
                    [-2 * y, 2 * z, -2 * w, 2 * x],
                    [2 * x, 2 * w, 2 * z, 2 * y],
                    [0.0, -4 * x, -4 * y, 0.0],
                ]
            )
            step = jacobian.T @ f
            step_norm = np.linalg.norm(step)
            if step_norm > 0:
                q_dot -= self.beta * step / step_norm
        q = self.q + q_dot * dt
        self.q = q / np.linalg.norm(q)
        return self.q

    def roll_pitch_yaw(self) -> Vector:
        w, x, y, z = self.q
        roll = math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y))
        pitch = math.asin(max(-1.0, min(1.0, 2 * (w * y - z * x))))
        yaw = math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
        return roll, pitch, yaw


class GyroCalibration:
    """Averages the gyro over `samples` readings taken at rest; restarts when the IMU moves."""

    def __init__(self, samples: int = 200, still: float = 0.05) -> None:
        self.samples, self.still = samples, still  # still: rad/s of spread allowed at rest
        self._readings: list[Vector] = []
        self.bias: Vector | None = None
        self.restarts = 0

    def add(self, gyro: Vector) -> bool:
        """Feed one reading; True once the bias is known."""
        if self.bias is not None:
            return True
        self._readings.append(gyro)
        if len(self._readings) < self.samples:
            return False
        data = np.array(self._readings)
        self._readings.clear()
        if float(np.max(data.max(axis=0) - data.min(axis=0))) > self.still:
            self.restarts += 1  # it moved: the average would not be the bias
            return False
        self.bias = tuple(float(v) for v in data.mean(axis=0))  # type: ignore[assignment]
        return True

    def correct(self, gyro: Vector) -> Vector:
        bias = self.bias or (0.0, 0.0, 0.0)
        return (gyro[0] - bias[0], gyro[1] - bias[1], gyro[2] - bias[2])
