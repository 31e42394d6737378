"""The host's client for the pan/tilt board: checks every command (finite, within the URDF's
limits, representable on the wire, e-stop released, board up), sends it, and keeps it as the
link's keepalive (resent whenever the host has been silent 100 ms, which feeds the firmware's
250 ms watchdog while the pan moves); hands each state the board reports to a callback. ROS-free.

Safety: the unit starts stopped and refuses motion until it is told it may move (set_stopped,
from the e-stop state: terry.safety.estop.EstopWatch in the node). A stop is re-sent to a board
that comes (back) up, and such a board holds until the next command: nothing sent before the
loss is replayed. The pan motor's tuning (terry.tuning: config/tuning.yaml, or `tuning`) goes to
the board at every connect; `tuner.set()` changes it at run time.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from terry.link import messages as m
from terry.link.transport import Link
from terry.tuning.gains import MotorSpec, load_specs
from terry.tuning.tuner import Tuner

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


def _nothing(*_args: object) -> None:
    pass


class PanTiltUnit:
    """Commands in (each returns None, or the reason it was refused), readings out.

    on_reading(reading) and on_refusal(reason) run on the link's thread; `start()` connects."""

    def __init__(
        self,
        port: str,
        baud: int,
        limits: PanTiltLimits,
        on_reading: Callable[[PanTiltReading], None] = _nothing,
        on_refusal: Callable[[str], None] = _nothing,
        on_up: Callable[[], None] = _nothing,
        on_lost: Callable[[str], None] = _nothing,
        tuning: MotorSpec | None = None,
    ) -> None:
        self.limits = limits
        self._on_reading, self._on_refusal = on_reading, on_refusal
        self._up_callback = on_up
        self._lock = threading.Lock()
        self._command: m.PanTiltCommand | None = None  # None: nothing to send (holding)
        self._tilt = 0.0
        self.stopped, self._why = True, "the e-stop state has not been heard yet"
        self.reading: PanTiltReading | None = None
        self.link = Link(
            port,
            baud,
            m.FIRMWARE_PAN_TILT,
            self._on_message,
            self._on_up,
            on_lost,
            keepalive=lambda: self._command,
        )
        self.tuner = Tuner(self.link, tuning or load_specs()["pan"], on_refusal=on_refusal)

    def start(self) -> PanTiltUnit:
        self.link.start()
        return self

    # -- commands ----------------------------------------------------------------------------
    def pan_to(self, angle: float) -> str | None:
        return self._set(MODE_POSITION, angle, None, "pan angle", "rad")

    def pan_at(self, speed: float) -> str | None:
        if math.isfinite(speed) and abs(speed) > self.limits.pan_speed:
            return (
                f"pan speed {speed:.3g} rad/s exceeds the pan joint's limit "
                f"{self.limits.pan_speed:.3f} rad/s (urdf/terry.urdf); nothing moves"
            )
        tuned = self.tuner.tuning.max_speed
        if math.isfinite(speed) and abs(speed) > tuned:
            return (
                f"pan speed {speed:.3g} rad/s exceeds the pan's tuned max_speed {tuned:.3g} "
                "rad/s (dynamic_reconfigure pan_max_speed); nothing moves"
            )
        return self._set(MODE_VELOCITY, speed, None, "pan speed", "rad/s")

    def tilt_to(self, angle: float) -> str | None:
        if math.isfinite(angle) and not self.limits.tilt_lower <= angle <= self.limits.tilt_upper:
            return (
                f"tilt {angle:.3g} rad is outside the tilt joint's limits "
                f"[{self.limits.tilt_lower}, {self.limits.tilt_upper}] rad; nothing moves"
            )
        return self._set(None, None, angle, "tilt angle", "rad")

    def set_stopped(self, stopped: bool, why: str) -> None:
        """Stop (the board's e-stop: motors off, motion refused) or allow motion; `why` is told
        to every command refused meanwhile. After a stop the unit holds until a new command."""
        with self._lock:
            self.stopped, self._why = bool(stopped), why
            if stopped:
                self._command = None
        self.link.send(m.Estop(int(stopped)))

    def _set(
        self, mode: int | None, pan: float | None, tilt: float | None, what: str, unit: str
    ) -> str | None:
        value = pan if pan is not None else tilt
        assert value is not None
        if not math.isfinite(value):
            return f"{what} {value} is not a finite number; nothing moves"
        if self.stopped:
            return f"{what} refused: {self._why}; nothing moves"
        if not self.link.up:
            return (
                f"{what} refused: the pan/tilt board on {self.link.port} is not connected "
                f"({self.link.health.last_error or self.link.health.state}); nothing moves"
            )
        with self._lock:
            previous = self._command
            if mode is None:  # tilt alone: the pan keeps what it does, or holds
                mode, pan = (previous.mode, previous.pan / URAD) if previous else (MODE_HOLD, 0.0)
            tilt = self._tilt if tilt is None else tilt
            try:
                command = m.PanTiltCommand(mode, round(pan * URAD), round(tilt * MRAD))
            except (ValueError, OverflowError):  # OverflowError: round() of a product beyond 1e308
                return f"{what} {value:.6g} {unit} cannot be represented on the wire; nothing moves"
            self._command, self._tilt = command, tilt
        self.link.send(command)
        return None

    # -- the link's side ---------------------------------------------------------------------
    def _on_up(self) -> None:
        with self._lock:
            self._command = None  # a stale command must not move a freshly plugged board
            stopped = self.stopped
        if stopped:
            self.link.send(m.Estop(1))
        self.tuner.on_up()
        self._up_callback()

    def _on_message(self, message: m.Message) -> None:
        if isinstance(message, m.Ack):
            self.tuner.on_ack(message)
        if isinstance(message, m.Ack) and message.type == m.PanTiltCommand.TYPE:
            if message.status != m.ACK_OK:
                with self._lock:
                    self._command = None  # the board holds; stop resending what it refused
                self._on_refusal(
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
            self._on_reading(self.reading)

    def close(self) -> None:
        with self._lock:
            self._command = None
        self.link.close()
