"""What the wiring test drives, over Terry's link (terry.link.transport) with no ROS: each board's
encoder counts, a speed command kept alive, and a stop that is the board's own e-stop (the motor
off at once, free to turn by hand, motion refused until released).

A spin runs at a slow speed and stops as soon as the counts show ENOUGH degrees the commanded way,
CLEAR degrees the other way (a reversed motor or encoder makes the board's speed loop run away),
or nothing after the time a healthy motor needs: nothing turns more than a few degrees.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from terry.bringup.wiring_judge import Spin, Wiring
from terry.link import messages as m
from terry.link.transport import Link

ENOUGH = 3.0  # degrees at the output that make a clear move: the spin stops there
CLEAR = 1.5  # degrees the wrong way that stop a spin at once
SEND_PERIOD = 0.01  # s between commands while spinning
SETTLE = 0.3  # s after a stop before the counts are read
REPLY_TIMEOUT = 1.0  # s for a board's next report


class Stopped(Exception):
    """The test was stopped (a key, the e-stop, a lost board): the reason."""


class BoardLink:
    """A supervised link to one board that keeps its latest message of each type."""

    def __init__(self, port: str, firmware: int, baud: int = 115200) -> None:
        self.port = port
        self._latest: dict[type, tuple[int, m.Message]] = {}
        self._heard = threading.Condition()
        self._command: m.Message | None = None
        self.link = Link(port, baud, firmware, self._on_message, keepalive=lambda: self._command)

    def _on_message(self, message: m.Message) -> None:
        with self._heard:
            count = self._latest.get(type(message), (0, message))[0] + 1
            self._latest[type(message)] = (count, message)
            self._heard.notify_all()

    def open(self, timeout: float) -> m.HelloReply:
        """Connect; the board's HelloReply. ConnectionError naming the cause if it does not."""
        self.link.start()
        if not self.link.wait_up(timeout) or self.link.health.board is None:
            self.link.close()
            raise ConnectionError(self.link.health.last_error or f"{self.port}: no handshake")
        return self.link.health.board

    def next(
        self, kind: type[m.Message], command: m.Message | None = None, timeout=REPLY_TIMEOUT
    ) -> m.Message:
        """The first message of `kind` that arrives from now on (after sending command, as
        with command(), if one is given: its reply counts)."""
        with self._heard:
            seen = self._latest.get(kind, (0, None))[0]
            if command is not None:
                self.command(command)
            if not self._heard.wait_for(lambda: self._latest.get(kind, (0,))[0] > seen, timeout):
                raise Stopped(f"{self.port} sent no {kind.__name__} for {timeout} s: board lost")
            return self._latest[kind][1]

    def send(self, message: m.Message) -> None:
        if self.link.send(message) is None:
            raise Stopped(f"{self.port}: link down ({self.link.health.last_error})")

    def command(self, message: m.Message | None) -> None:
        """Send message now and again whenever the host falls silent (feeds the watchdog)."""
        self._command = message
        if message is not None:
            self.send(message)

    def estop(self, engaged: bool) -> None:
        self._command = None
        self.send(m.Estop(int(engaged)))

    def close(self) -> None:
        self.link.close()


@dataclass
class Motor:
    """One gearmotor on a board: how to read its counts and command its speed (rad/s at the
    output, as the firmware counts it), and how fast it may start."""

    wiring: Wiring
    board: BoardLink
    configured: int  # counts per output turn the firmware uses (its HelloReply's config)
    speed: float  # rad/s of a spin
    accel: float  # rad/s^2 the firmware ramps at
    report: type[m.Message]
    counts_of: Callable[[m.Message], int]
    velocity: Callable[[float], m.Message]
    measured: int | None = None  # counts per output turn a hand turn gave, if any

    def counts(self, command: m.Message | None = None) -> int:
        """The counts in the board's next report (after sending command, if given)."""
        return self.counts_of(self.board.next(self.report, command))

    def degrees(self, angle: float) -> int:
        """Counts for an output angle in degrees (at least 2: one count is noise), by the hand
        turn's counts per turn when there was one (the firmware's may be a wrong guess)."""
        return max(2, math.ceil(angle / 360 * (self.measured or self.configured)))


def wheels(board: BoardLink, reply: m.HelloReply, left: Wiring, right: Wiring) -> list[Motor]:
    """The base's two wheel gearmotors (WheelVelocity in mrad/s, Encoders' counts)."""

    def motor(wiring: Wiring, side: int) -> Motor:
        def velocity(speed: float) -> m.Message:
            mrad = round(speed * 1000)
            return m.WheelVelocity(mrad, 0) if side == 0 else m.WheelVelocity(0, mrad)

        def counts_of(e: m.Message) -> int:
            return e.left if side == 0 else e.right  # type: ignore[attr-defined]

        return Motor(wiring, board, reply.config, 0.5, 40.0, m.Encoders, counts_of, velocity)

    return [motor(left, 0), motor(right, 1)]


def pan(board: BoardLink, reply: m.HelloReply, wiring: Wiring) -> Motor:
    """The pan gearmotor (PanTiltCommand's velocity mode; PanTiltState's angle in counts)."""
    per_rad = reply.config / (2 * math.pi)

    def counts_of(state: m.Message) -> int:
        return round(state.pan * 1e-6 * per_rad)  # type: ignore[attr-defined]

    def velocity(speed: float) -> m.Message:
        return m.PanTiltCommand(2, round(speed * 1e6), 0)

    return Motor(wiring, board, reply.config, 0.1, 0.5, m.PanTiltState, counts_of, velocity)


def spin(motor: Motor, direction: int, stop_reason: Callable[[], str | None]) -> Spin:
    """Turn the motor a few degrees one way (+1 forward, -1 back); stopped on stop_reason()."""
    board = motor.board
    enough, wrong = motor.degrees(ENOUGH), motor.degrees(CLEAR)
    # Fewer real counts per turn than the firmware's: the output turns faster than commanded.
    speed = motor.speed * min(1.0, (motor.measured or motor.configured) / motor.configured)
    healthy = math.radians(ENOUGH) / motor.speed + motor.speed / motor.accel
    deadline = time.monotonic() + healthy + 0.15
    # Engaged again first: the board's stop takes where the motor is now as its reference (a
    # reference left from before a hand turn would make its loop drive the motor back there).
    board.estop(True)
    start = motor.counts()
    board.estop(False)
    try:
        while True:
            reason = stop_reason()
            if reason:
                raise Stopped(reason)
            moved = (motor.counts(motor.velocity(direction * speed)) - start) * direction
            if moved >= enough or moved <= -wrong or time.monotonic() > deadline:
                break
            time.sleep(SEND_PERIOD)
    finally:
        board.estop(True)
    time.sleep(SETTLE)
    return Spin(motor.counts() - start, wrong)


def hand_turn(motor: Motor, answer: Callable[[str], str]) -> int | None:
    """The counts while a hand turns the output one turn forward, the motor off; None: skipped.
    answer(prompt) returns "" when done, "s" to skip (it raises Stopped to quit)."""
    motor.board.estop(True)
    start = motor.counts()
    prompt = (
        f"Turn the {motor.wiring.name} by hand exactly one turn {motor.wiring.forward} (a mark "
        "on it helps), then press Enter (s: skip, q: quit)"
    )
    if answer(prompt) == "s":
        return None
    return motor.counts() - start
