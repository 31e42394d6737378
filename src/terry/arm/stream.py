"""The smoothing shim's state without ROS: smoothing on or off, the plan being streamed, the arm
as last measured, and the e-stop. The smooth_shim node feeds it commands, /joint_states and the
estop node's state, and publishes what it answers; nothing here starts a thread or blocks.

With smoothing on, a command becomes a plan (`terry.arm.smoothing`) streamed one setpoint per
period (each one period ahead, so the servo driver reaches it as the next arrives); with it off,
a valid command is forwarded unchanged. An empty trajectory stops at once. Stopped (`EstopWatch`:
engaged, not heard yet, or silent) ends the stream at once and refuses every command.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from terry.arm.joint_input import check_names
from terry.arm.smoothing import MODES, PASS_THROUGH, CommandError, Plan, Smoother, parse_command
from terry.safety.estop import Change, EstopWatch

Log = Callable[[int, str], None]  # (logging level, message)


@dataclass(frozen=True)
class Setpoint:
    """One streamed setpoint: positions and velocities of `names`, to be reached in `duration`."""

    names: tuple[str, ...]
    positions: list[float]
    velocities: list[float]
    duration: float


@dataclass(frozen=True)
class Answer:
    """What becomes of a command: refused (why), forwarded unchanged, or streamed from
    `setpoint`, the first to send."""

    refused: str = ""
    forward: bool = False
    setpoint: Setpoint | None = None


class SmoothStream:
    def __init__(
        self,
        smoother: Smoother,
        period: float,
        log: Log,
        enabled: bool = True,
        mode: str = PASS_THROUGH,
        estop: EstopWatch | None = None,
    ) -> None:
        if not (math.isfinite(period) and period > 0):
            raise ValueError(f"the streaming period must be a positive number of s, got {period}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.smoother = smoother
        self.period = period
        self.log = log
        self.enabled = enabled
        self.mode = mode
        self.estop = estop or EstopWatch()
        self.measured: dict[str, float] = {}
        self.plan: Plan | None = None  # None: at rest where /joint_states says
        self.streaming = False
        self._lock = threading.Lock()  # the node's callbacks and loop run in different threads

    def command(self, names: Sequence[str], points: Sequence[tuple], now: float) -> Answer:
        """A trajectory: `points` are (time_from_start, positions, velocities, accelerations,
        effort), the last three optional."""
        with self._lock:
            if self.estop.stopped(now):
                return Answer(refused=f"smooth command refused: {self.estop.reason(now)}")
            try:
                check_names(names, self.smoother.joints, CommandError)
                command = parse_command(names, points, self.smoother.joints) if points else None
            except CommandError as error:
                return Answer(refused=f"smooth command refused, nothing sent: {error}")
            if command is None or not self.enabled:  # a stop (at once), or smoothing off
                self.plan, self.streaming = None, False
                return Answer(forward=True)
            current = self.plan
            if current is None or now >= current.end:  # at rest: start where the arm is
                unknown = sorted(set(self.smoother.joints) - set(self.measured))
                if unknown:  # planning from a guess would rush the arm from there
                    return Answer(
                        refused="smooth command refused, nothing sent: where the arm is, is not "
                        f"known yet (no /joint_states for {', '.join(unknown)})"
                    )
                current = self.smoother.hold(now, self.measured)
            try:
                self.plan = self.smoother.splice(current, now, command, self.mode)
            except CommandError as error:
                return Answer(refused=f"smooth command refused, nothing sent: {error}")
            self.streaming = True
            return Answer(setpoint=self._setpoint(now))

    def joint_states(self, names: Sequence[str], positions: Sequence[float]) -> None:
        """Where the arm is (the start of a move from rest); other joints and bad values ignored."""
        with self._lock:
            self.measured.update(
                (n, p)
                for n, p in zip(names, positions, strict=False)
                if n in self.smoother.joints and math.isfinite(p)
            )

    def heard_estop(self, engaged: bool, now: float) -> Change | None:
        """The estop node's state arrived; the change, if any, to log."""
        with self._lock:
            return self._apply(self.estop.heard(engaged, now))

    def set_enabled(self, enabled: bool) -> bool:
        """Smoothing on or off; True if that changed it. Switched on, the next move starts from
        where the arm is; switched off, a move being streamed runs to its end."""
        with self._lock:
            if enabled == self.enabled:
                return False
            if enabled:
                self.plan, self.streaming = None, False
            self.enabled = enabled
            return True

    def set_mode(self, mode: object) -> str | None:
        """stop or pass_through; None, or why the mode was refused (the old one stays)."""
        if mode not in MODES:
            return f"mode must be one of {MODES}, got {mode!r}"
        with self._lock:
            self.mode = mode  # type: ignore[assignment]
        return None

    def tick(self, now: float) -> Setpoint | None:
        """One period: the next setpoint while a move runs, else None."""
        with self._lock:
            change = self._apply(self.estop.check(now))
            if change is not None:
                self.log(logging.WARNING if change.stopped else logging.INFO, change.reason)
            if not self.streaming or self.plan is None:
                return None
            setpoint = self._setpoint(now)
            self.streaming = now + self.period < self.plan.end
            return setpoint

    def _apply(self, change: Change | None) -> Change | None:
        if change is not None and change.stopped:
            self.plan, self.streaming = None, False  # at once: no slow stop
        return change

    def _setpoint(self, now: float) -> Setpoint:
        positions, velocities = self.plan.sample(now + self.period)  # type: ignore[union-attr]
        return Setpoint(self.plan.names, positions, velocities, self.period)  # type: ignore[union-attr]
