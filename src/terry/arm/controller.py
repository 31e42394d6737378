"""The arm's servo controller without ROS: trajectories, the e-stop, relax and the Maestro link's
ups and downs, around a `ServoBus`. The servo_driver node calls it from its callbacks and its
loop; every method takes the time, none starts a thread or waits longer than one bus round trip.

- Stopped (`EstopWatch`: engaged, not heard yet, or silent) holds where the arm is and refuses
  trajectories; the state comes from the estop node through `heard_estop` and goes stale in `tick`.
- `relax` sends no pulses (limp) until the next trajectory, which starts from where the arm is.
- A lost link is retried every `reconnect_period`; on reconnecting the bus re-sends the speed
  limits, and the arm holds where it is read (or carries out what was asked while it was down).
- `tick` sends the setpoint and reads the positions back, velocities estimated from their change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from terry.arm.bus import LinkDown, ServoBus
from terry.arm.calibration import LimitError
from terry.arm.maestro import describe_errors
from terry.arm.motion import TrajectoryError, TrajectoryPlayer, parse_trajectory
from terry.model import JointSpec
from terry.safety.estop import Change, EstopWatch

STARTUP_GRACE = 5.0  # s: a board (or its simulation) still starting is not yet an error

Log = Callable[[int, str], None]  # (logging level, message)


@dataclass(frozen=True)
class Reading:
    """The arm as read back: each joint's position (rad) and estimated velocity (rad/s)."""

    positions: dict[str, float]
    velocities: dict[str, float]


@dataclass(frozen=True)
class Health:
    """For /diagnostics: a logging level, a message and key values."""

    level: int
    message: str
    values: dict[str, str] = field(default_factory=dict)


class ServoController:
    def __init__(
        self,
        bus: ServoBus,
        joints: Mapping[str, JointSpec],
        now: float,
        log: Log,
        reconnect_period: float = 1.0,
        estop: EstopWatch | None = None,
    ) -> None:
        self.bus = bus
        self.joints = dict(joints)
        self.log = log
        self.reconnect_period = reconnect_period
        self.estop = estop or EstopWatch()
        home = {name: min(max(0.0, j.lower), j.upper) for name, j in self.joints.items()}
        self.player = TrajectoryPlayer(self.joints, home)
        self.measured: dict[str, float] = dict(home)
        self.velocity: dict[str, float] = dict.fromkeys(home, 0.0)
        self.measured_at: float | None = None
        self.limp = True  # a Maestro starts with no pulses until told otherwise
        self.commanded_while_down = False  # a trajectory came before the board answered
        self.error_bits = 0
        self.link_error = ""
        self._reported = ""  # the link error last logged, so each is logged once
        self.started = self._next_connect = now
        self._lock = threading.Lock()  # the node's callbacks and loop run in different threads

    # Inputs --------------------------------------------------------------------------------
    def command(self, names: Sequence[str], points: Sequence[tuple], now: float) -> str | None:
        """Carry out a trajectory: `points` are (time_from_start, positions, velocities,
        accelerations, effort), the last three optional. None, or why nothing moves."""
        with self._lock:
            if self.estop.stopped(now):
                return f"trajectory refused: {self.estop.reason(now)}"
            try:
                parsed = parse_trajectory(names, points, self.joints)
            except TrajectoryError as error:
                return f"trajectory refused, nothing moves: {error}"
            self.commanded_while_down |= not self.bus.connected
            if self.limp:  # limp servos are where they were left: start from there
                self.player.hold(self.measured)
                self.limp = False
            if parsed:
                self.player.start(now, parsed)
            else:  # an empty trajectory stops where the arm is
                self.player.hold(self.player.sample(now))
            return None

    def heard_estop(self, engaged: bool, now: float) -> Change | None:
        """The estop node's state arrived; the change, if any, to log."""
        with self._lock:
            return self._apply(self.estop.heard(engaged, now))

    def relax(self) -> str | None:
        """Servos limp until the next trajectory; None, or why not (the link is down)."""
        with self._lock:
            try:
                self.bus.relax()
            except LinkDown as error:
                return str(error)
            self.limp = True
            return None

    # The loop ------------------------------------------------------------------------------
    def tick(self, now: float) -> Reading | None:
        """One cycle: reconnect when due, send the setpoint, read the arm back (None: no link)."""
        with self._lock:
            change = self._apply(self.estop.check(now))
            if change is not None:
                self.log(logging.WARNING if change.stopped else logging.INFO, change.reason)
            if not self.bus.connected and not self._try_connect(now):
                return None
            try:
                if not self.limp:
                    self._send(self.player.sample(now))
                angles = self.bus.read_angles()
            except LinkDown as error:
                self._lost(error, now)
                return None
            self._measure(angles, now)
            return Reading(dict(self.measured), dict(self.velocity))

    def health(self, now: float) -> Health:
        """The link and the board's error register (reading clears it) for /diagnostics."""
        with self._lock:
            if self.bus.connected:
                try:
                    self.error_bits |= self.bus.errors()
                except LinkDown as error:
                    self._lost(error, now)
            errors, self.error_bits = describe_errors(self.error_bits), 0
            stopped = self.estop.stopped(now)
            if not self.bus.connected:
                level, message = logging.ERROR, self.link_error or "not connected"
            elif errors:
                level, message = logging.WARNING, f"Maestro reported {errors}"
            else:
                level, message = logging.INFO, "limp" if self.limp else "holding / moving"
            values = {
                "port": self.bus.port,
                "connected": str(self.bus.connected),
                "reconnects": str(max(0, self.bus.reconnects - 1)),  # the first connect is none
                "reply timeouts": str(self.bus.timeouts),
                "stale replies dropped": str(self.bus.stale_replies),
                "estop": str(stopped),
                "estop reason": self.estop.reason(now),
            }
            return Health(level, message, values)

    def _apply(self, change: Change | None) -> Change | None:
        if change is not None and change.stopped:
            self.player.hold(self.measured)
        return change

    def _send(self, setpoints: dict[str, float]) -> None:
        """Targets to the board; the calibration refuses any beyond a limit (validated input
        never gets there: if it does, say so and hold where the arm is)."""
        try:
            self.bus.set_angles(setpoints)
        except LimitError as error:
            self.log(logging.ERROR, f"refused to send a target beyond a limit: {error}")
            self.player.hold(self.measured)

    def _measure(self, angles: dict[str, float | None], now: float) -> None:
        """Take the positions read back; velocity from the change since the last reading
        (0 for a limp servo, which reports no position)."""
        dt = now - self.measured_at if self.measured_at is not None else 0.0
        for name, angle in angles.items():
            if angle is None:
                self.velocity[name] = 0.0
                continue
            self.velocity[name] = (angle - self.measured[name]) / dt if dt > 0 else 0.0
            self.measured[name] = angle
        self.measured_at = now

    def _try_connect(self, now: float) -> bool:
        if now < self._next_connect:
            return False
        self._next_connect = now + self.reconnect_period
        try:
            self.bus.connect()  # also sets each servo's speed limit from the URDF
            angles = self.bus.read_angles()
        except LinkDown as error:
            self._lost(error, now)
            return False
        self.measured.update({n: a for n, a in angles.items() if a is not None})
        self.measured_at = None  # no velocity across the gap
        if not self.commanded_while_down or self.estop.stopped(now):
            self.limp = all(a is None for a in angles.values())
            self.player.hold(self.measured)
        self.commanded_while_down = False
        self.link_error = self._reported = ""
        self.log(logging.INFO, f"Maestro connected on {self.bus.port}")
        return True

    def _lost(self, error: LinkDown, now: float) -> None:
        """Say once what is wrong; a board still starting up is not an error yet."""
        message = str(error)
        if now < self.started + STARTUP_GRACE and not self.bus.reconnects:
            if not self.link_error:
                self.log(logging.INFO, f"waiting for the Maestro on {self.bus.port}")
        elif message != self._reported:
            self.log(logging.ERROR, f"{message}; retrying every {self.reconnect_period:.1f} s")
            self._reported = message
        self.link_error = message
