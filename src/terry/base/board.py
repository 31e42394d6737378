"""The base motor board, seen from the host: wheel speed commands out, encoder counts in, over
Terry's serial link (docs/serial-protocol.md). The board answers every WheelVelocity with an
Encoders report, so each control tick gets a fresh sample, and reports its battery's voltage
about once a second (on_battery(volts), on the link's thread). Survives unplugging: commands sent
while the board is away are dropped and encoders() returns None until it is back.

The constructor neither blocks nor starts threads: `start()` connects, `link.wait_up()` waits.
An engaged e-stop is re-sent to a board that comes (back) up, since a reset board forgets it, and
so is the wheels' tuning (terry.tuning: config/tuning.yaml, or `tuning`; `tuner.set()` changes it).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable

from terry.link import messages as m
from terry.link.transport import Link, describe
from terry.model import DriveGeometry
from terry.tuning.gains import MotorSpec, load_specs
from terry.tuning.tuner import Tuner

log = logging.getLogger("terry.base.board")
REPLY_TIMEOUT = 0.025  # s encoders() waits for a report newer than the last one it returned
MAX_WHEEL_SPEED = 32.0  # rad/s: the int16 milliradian range of WheelVelocity


def twist_refusal(geometry: DriveGeometry, twist: tuple[float, ...]) -> str | None:
    """Why a /cmd_vel twist (linear x y z, angular x y z) is refused, or None: every field must be
    finite, and the wheel speeds it asks for must fit on the wire (MAX_WHEEL_SPEED). Requests
    within that but beyond the base's limits are clamped by the governor, not refused."""
    if not all(math.isfinite(value) for value in twist):
        return f"refused cmd_vel {twist}: not every field is a finite number; nothing moves"
    wheels = geometry.wheel_speeds(twist[0], twist[5])
    if max(abs(w) for w in wheels) > MAX_WHEEL_SPEED:
        return (
            f"refused cmd_vel ({twist[0]:.3g} m/s, {twist[5]:.3g} rad/s): the wheel speeds it "
            f"asks for exceed what the base board's link carries ({MAX_WHEEL_SPEED} rad/s); "
            "nothing moves"
        )
    return None


class BaseBoard:
    """BaseBoard(port, baud).start(): .command(left, right) in rad/s, .encoders(), .estop()."""

    def __init__(
        self,
        port: str,
        baud: int = 115200,
        on_up: Callable[[], None] = lambda: None,
        on_lost: Callable[[str], None] = lambda _reason: None,
        on_battery: Callable[[float], None] = lambda _volts: None,
        tuning: MotorSpec | None = None,
    ) -> None:
        self._fresh = threading.Condition()
        self._counts: tuple[int, int] | None = None
        self._reports = 0  # Encoders received
        self._returned = 0  # the report count encoders() last returned
        self._estop = False
        self._up_callback = on_up
        self._on_battery = on_battery
        self.battery_volts: float | None = None  # the latest report
        self.link = Link(port, int(baud), m.FIRMWARE_BASE, self._on_message, self._on_up, on_lost)
        self.tuner = Tuner(self.link, tuning or load_specs()["wheel"], axes=(0, 1))

    def start(self) -> BaseBoard:
        self.link.start()
        return self

    @property
    def ticks_per_rev(self) -> int | None:
        """Encoder counts per wheel turn, as the board says in its handshake; None before."""
        board = self.link.health.board
        return board.config if board is not None else None

    def _on_up(self) -> None:
        log.info("base board on %s: %s", self.link.port, describe(self.link.health.board))
        with self._fresh:
            self._counts = None
        if self._estop:
            self.link.send(m.Estop(1))
        self.tuner.on_up()
        self._up_callback()

    def _on_message(self, message: m.Message) -> None:
        if isinstance(message, m.Encoders):
            with self._fresh:
                self._counts = (message.left, message.right)
                self._reports += 1
                self._fresh.notify_all()
        elif isinstance(message, m.Battery):
            self.battery_volts = message.millivolts / 1000.0
            self._on_battery(self.battery_volts)
        elif isinstance(message, m.Ack):
            self.tuner.on_ack(message)

    def command(self, left: float, right: float) -> bool:
        """Wheel speed targets (rad/s); a bad value stops the wheels, and both slow alike to a
        max_speed tuned below what the motors can do. False if not sent."""
        if not all(math.isfinite(v) and abs(v) <= MAX_WHEEL_SPEED for v in (left, right)):
            log.error("base board: wheel speeds %r, %r invalid: stopping", left, right)
            left = right = 0.0
        # The board refuses (and stops) beyond its tuned speed limit. Within what the motors can
        # do, a lower tuned limit slows both wheels alike; beyond it a command is wrong, and the
        # board's refusal stops the wheels.
        limit = math.floor(self.tuner.tuning.max_speed * 1000) / 1000
        fastest = max(abs(left), abs(right))
        if limit < fastest <= self.tuner.spec.speed_ceiling:
            left, right = left * limit / fastest, right * limit / fastest
        return self.link.send(m.WheelVelocity(round(left * 1000), round(right * 1000))) is not None

    def estop(self, engaged: bool) -> bool:
        """Stop the motors in the firmware and refuse motion until released; kept across
        reconnects. False if the board is not up (it gets the state when it comes up)."""
        self._estop = bool(engaged)
        return self.link.send(m.Estop(int(engaged))) is not None

    def encoders(self) -> tuple[int, int] | None:
        """Cumulative counts (left, right) from a report newer than the last call's, or None
        when none arrives within REPLY_TIMEOUT (board away or slow): never the same sample twice.
        """
        with self._fresh:
            if not self._fresh.wait_for(lambda: self._reports > self._returned, REPLY_TIMEOUT):
                return None
            self._returned = self._reports
            return self._counts

    def close(self) -> None:
        self.link.close()
