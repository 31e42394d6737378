"""The host's client for the IMU board: sets its ranges and rate on every (re)connect, turns raw
counts into SI units (m/s^2, rad/s), unwraps the board's microsecond clock, and hands each sample
to a callback. ROS-free.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from terry.link import messages as m
from terry.link.transport import Link

GRAVITY = 9.80665
ACCEL_RANGES = (2, 4, 8, 16)  # g
GYRO_RANGES = (250, 500, 1000, 2000)  # deg/s
RATES = (10, 400)  # Hz, what the firmware accepts
# MPU-6050 datasheet noise densities over the 44 Hz low-pass band, as variances.
ACCEL_VARIANCE = (400e-6 * GRAVITY) ** 2 * 44
GYRO_VARIANCE = (math.radians(0.005)) ** 2 * 44


@dataclass(frozen=True)
class ImuSettings:
    accel_range: int = 4  # g
    gyro_range: int = 500  # deg/s
    rate: int = 200  # Hz

    def check(self) -> None:
        if self.accel_range not in ACCEL_RANGES:
            raise ValueError(f"accel_range {self.accel_range} g: choose one of {ACCEL_RANGES}")
        if self.gyro_range not in GYRO_RANGES:
            raise ValueError(f"gyro_range {self.gyro_range} deg/s: choose one of {GYRO_RANGES}")
        if not RATES[0] <= self.rate <= RATES[1]:
            raise ValueError(f"rate {self.rate} Hz: the firmware samples at {RATES} Hz")

    @property
    def accel_scale(self) -> float:
        """m/s^2 per count."""
        return self.accel_range * GRAVITY / 32768

    @property
    def gyro_scale(self) -> float:
        """rad/s per count."""
        return math.radians(self.gyro_range) / 32768


@dataclass(frozen=True)
class ImuReading:
    time: float  # s on the board's clock, unwrapped
    accel: tuple[float, float, float]  # m/s^2
    gyro: tuple[float, float, float]  # rad/s


class ImuBoard:
    """Readings out through on_reading (on the link's thread); `start()` connects."""

    def __init__(
        self,
        port: str,
        baud: int,
        settings: ImuSettings,
        on_reading: Callable[[ImuReading], None],
        on_up: Callable[[], None] = lambda: None,
        on_lost: Callable[[str], None] = lambda _reason: None,
    ) -> None:
        settings.check()
        self.settings = settings
        self._on_reading = on_reading
        self._up_callback = on_up
        self._configured = threading.Event()
        self._last_micros: int | None = None
        self._time = 0.0
        self.samples = 0
        self.link = Link(port, baud, m.FIRMWARE_IMU, self._on_message, self._on_up, on_lost)

    def start(self) -> ImuBoard:
        self.link.start()
        return self

    def _on_up(self) -> None:
        """A fresh board has its defaults: send the settings each time the link comes up."""
        s = self.settings
        self._configured.clear()
        self._last_micros = None
        self.link.send(m.ImuConfig(s.accel_range, s.gyro_range, s.rate))
        self._up_callback()

    def _on_message(self, message: m.Message) -> None:
        if isinstance(message, m.Ack) and message.type == m.ImuConfig.TYPE:
            if message.status == m.ACK_OK:
                self._configured.set()
        elif isinstance(message, m.ImuSample) and self._configured.is_set():
            if self._last_micros is not None:
                self._time += ((message.micros - self._last_micros) & 0xFFFFFFFF) * 1e-6
            self._last_micros = message.micros
            a, g = self.settings.accel_scale, self.settings.gyro_scale
            self.samples += 1
            self._on_reading(
                ImuReading(
                    self._time,
                    (message.ax * a, message.ay * a, message.az * a),
                    (message.gx * g, message.gy * g, message.gz * g),
                )
            )

    def close(self) -> None:
        self.link.close()
