"""The base motor board, seen from the host: wheel speed commands out, encoder counts in, over
Terry's serial link (docs/serial-protocol.md). The board answers every WheelVelocity with an
Encoders report, so each control tick gets a fresh sample. Survives unplugging: commands sent
while the board is away are dropped and encoders() returns None until it is back.
"""

from __future__ import annotations

import logging
import math
import threading

from terry.link import messages as m
from terry.link.transport import Link, describe

log = logging.getLogger("terry.base.board")
CONNECT_TIMEOUT = 10.0  # s the constructor waits for the board's handshake
REPLY_TIMEOUT = 0.025  # s encoders() waits for a report newer than the last one it returned
MAX_WHEEL_SPEED = 32.0  # rad/s: the int16 milliradian range of WheelVelocity


class BaseBoard:
    """BaseBoard(port, baud): .ticks_per_rev, .command(left, right) in rad/s, .encoders()."""

    def __init__(self, port: str, baud: int = 115200, connect_timeout: float = CONNECT_TIMEOUT):
        self._fresh = threading.Condition()
        self._counts: tuple[int, int] | None = None
        self._reports = 0  # Encoders received
        self._returned = 0  # the report count encoders() last returned
        self.link = Link(port, int(baud), m.FIRMWARE_BASE, self._on_message)
        if not self.link.wait_connected(connect_timeout):
            reason = self.link.health.last_error or "no reply"
            self.link.close()
            raise ValueError(f"base board on {port} did not answer: {reason}")
        board = self.link.health.board
        assert board is not None
        self.ticks_per_rev: int = board.config
        log.info("base board on %s: %s, %d ticks/rev", port, describe(board), board.config)

    def _on_message(self, message: m.Message) -> None:
        if isinstance(message, m.Encoders):
            with self._fresh:
                self._counts = (message.left, message.right)
                self._reports += 1
                self._fresh.notify_all()

    def command(self, left: float, right: float) -> bool:
        """Wheel speed targets (rad/s); a bad value stops the wheels. False if not sent."""
        if not all(math.isfinite(v) and abs(v) <= MAX_WHEEL_SPEED for v in (left, right)):
            log.error("base board: wheel speeds %r, %r invalid: stopping", left, right)
            left = right = 0.0
        return self.link.send(m.WheelVelocity(round(left * 1000), round(right * 1000))) is not None

    def estop(self, engaged: bool) -> bool:
        """Stop the motors in the firmware and refuse motion until released."""
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
