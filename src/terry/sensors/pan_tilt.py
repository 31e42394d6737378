"""The host's client for the pan/tilt board: checks every command (finite, within the URDF's
limits, device present), keeps the latest one and resends it each control tick (which feeds the
firmware's 250 ms watchdog), and keeps the board's latest reported state. ROS-free.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from terry.link import messages as m
from terry.link.transport import Link

MODE_HOLD, MODE_POSITION, MODE_VELOCITY = 0, 1, 2
URAD = 1e6
MRAD = 1e3


@dataclass(frozen=True)
class PanTiltLimits:
    tilt_lower: float  # rad
    tilt_upper: float  # rad
    pan_speed: float  # rad/s, the most the pan gearmotor does


@dataclass(frozen=True)
class PanTiltReading:
    pan: float  # rad, unwrapped
    pan_velocity: float  # rad/s
    tilt: float  # rad
    board_millis: int


class PanTiltUnit:
    """Commands in (each returns None, or the reason it was refused), state out."""

    def __init__(self, port: str, baud: int, limits: PanTiltLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._mode, self._pan, self._tilt = MODE_HOLD, 0.0, 0.0
        self._active = False  # nothing is sent until the first command
        self._estop = False
        self.reading: PanTiltReading | None = None
        self.refusal = ""  # why the board last refused a command, until read by take_refusal()
        self.link = Link(port, baud, m.FIRMWARE_PAN_TILT, self._on_message)
        self._reconnects = 0

    # -- commands ----------------------------------------------------------------------------
    def pan_to(self, angle: float) -> str | None:
        return self._set(MODE_POSITION, angle, None, "pan angle")

    def pan_at(self, speed: float) -> str | None:
        if math.isfinite(speed) and abs(speed) > self.limits.pan_speed:
            return (
                f"pan speed {speed:.3f} rad/s exceeds the pan joint's limit "
                f"{self.limits.pan_speed:.3f} rad/s (urdf/terry.urdf); nothing moves"
            )
        return self._set(MODE_VELOCITY, speed, None, "pan speed")

    def tilt_to(self, angle: float) -> str | None:
        if math.isfinite(angle) and not self.limits.tilt_lower <= angle <= self.limits.tilt_upper:
            return (
                f"tilt {angle:.3f} rad is outside the tilt joint's limits "
                f"[{self.limits.tilt_lower}, {self.limits.tilt_upper}] rad; nothing moves"
            )
        return self._set(None, None, angle, "tilt angle")

    def set_estop(self, engaged: bool) -> None:
        with self._lock:
            self._estop = engaged
            if engaged:
                self._active = False
        self.link.send(m.Estop(int(engaged)))

    def _set(
        self, mode: int | None, pan: float | None, tilt: float | None, what: str
    ) -> str | None:
        value = pan if pan is not None else tilt
        assert value is not None
        if not math.isfinite(value):
            return f"{what} {value} is not a finite number; nothing moves"
        if self._estop:
            return f"{what} refused: e-stop engaged (publish false on /estop to release)"
        if not self.link.connected.is_set():
            return (
                f"{what} refused: the pan/tilt board on {self.link.port} is not connected "
                f"({self.link.health.last_error or self.link.health.state}); nothing moves"
            )
        with self._lock:
            if mode is not None:
                self._mode, self._pan = mode, pan
            if tilt is not None:
                self._tilt = tilt
            if not self._active and mode is None:
                self._mode, self._pan = MODE_HOLD, 0.0  # tilt alone: the pan holds
            self._active = True
        self.tick()
        return None

    def tick(self) -> None:
        """Send the current command (each control tick); after a reconnect, forget old ones."""
        if self.link.health.reconnects != self._reconnects:
            self._reconnects = self.link.health.reconnects
            with self._lock:
                self._active = False  # a stale command must not move a freshly plugged board
        with self._lock:
            if not self._active:
                return
            command = m.PanTiltCommand(
                self._mode, round(self._pan * URAD), round(self._tilt * MRAD)
            )
        self.link.send(command)

    # -- state -------------------------------------------------------------------------------
    def _on_message(self, message: m.Message) -> None:
        if isinstance(message, m.Ack) and message.type == m.PanTiltCommand.TYPE:
            if message.status != m.ACK_OK:
                with self._lock:
                    self._active = False  # the board holds; stop resending what it refused
                self.refusal = (
                    f"the pan/tilt board refused the command: "
                    f"{m.ACK_REASONS.get(message.status, message.status)} (it holds)"
                )
        elif isinstance(message, m.PanTiltState):
            self.reading = PanTiltReading(
                message.pan / URAD,
                message.pan_velocity / MRAD,
                message.tilt / MRAD,
                message.millis,
            )

    def take_refusal(self) -> str:
        refusal, self.refusal = self.refusal, ""
        return refusal

    def close(self) -> None:
        with self._lock:
            self._active = False
        self.link.close()
