"""Sends a motor board its tuning over the link: at every connect (a reset board has its build
defaults again) and on request, waiting for the board's Ack; what the board refuses is not kept.

The board's client calls on_up() from its link's on_up and on_ack() with every Ack it hears
(both on the link's thread); set() runs on any other thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from terry.link import messages as m
from terry.link.transport import Link
from terry.tuning.gains import MotorSpec, MotorTuning, to_message

log = logging.getLogger("terry.tuning")
ACK_TIMEOUT = 1.0  # s for the board's answer to a MotorTuning


class Tuner:
    """One motor (or a pair tuned alike: the wheels, `axes` (0, 1)) on one board's link."""

    def __init__(
        self,
        link: Link,
        spec: MotorSpec,
        axes: tuple[int, ...] = (0,),
        on_refusal: Callable[[str], None] = lambda reason: log.error("%s", reason),
    ) -> None:
        self.link, self.spec, self.axes = link, spec, axes
        self.tuning = spec.defaults  # what the board has, or gets when it (re)connects
        self._on_refusal = on_refusal
        self._answers = threading.Condition()
        self._acks: dict[int, int] = {}  # seq of a MotorTuning -> the board's Ack status
        self._pending: set[int] = set()  # seqs set() waits for
        self._connecting = threading.Lock()  # on_up() against set() while the link is not up

    def set(self, tuning: MotorTuning, timeout: float = ACK_TIMEOUT) -> str | None:
        """Check, send and keep `tuning`; None, or why it was refused (nothing changes then).
        While the board is away it is kept and sent when the board connects."""
        reason = self.spec.refusal(tuning)
        if reason:
            return reason
        with self._connecting:
            if not self.link.up:  # kept; sent now too in case on_up() has just sent the old one
                self.tuning = tuning
                self._send_unanswered(tuning)
                log.warning("%s tuning kept; the board gets it when it connects", self.spec.name)
                return None
        statuses = self._send(tuning, timeout)
        if all(status == m.ACK_OK for status in statuses):
            self.tuning = tuning
            return None
        self._send(self.tuning, timeout)  # an axis that took it goes back to what it had
        worst = next(s for s in statuses if s != m.ACK_OK)
        answer = "no answer" if worst is None else m.ACK_REASONS.get(worst, str(worst))
        return f"the board did not take the {self.spec.name} tuning ({answer}); it stays as it was"

    def _send(self, tuning: MotorTuning, timeout: float) -> list[int | None]:
        with self._answers:  # held while sending: an Ack must not come before its seq is known
            seqs = [self.link.send(to_message(axis, tuning)) for axis in self.axes]
            sent = {s for s in seqs if s is not None}
            self._pending |= sent
            self._answers.wait_for(lambda: sent <= self._acks.keys(), timeout)
            statuses = [self._acks.pop(s, None) if s is not None else None for s in seqs]
            self._pending -= sent
        return statuses

    def on_up(self) -> None:
        """Send the kept tuning to a board that just connected (its Ack comes to on_ack)."""
        with self._connecting:
            self._send_unanswered(self.tuning)

    def _send_unanswered(self, tuning: MotorTuning) -> None:
        """Send without waiting (nothing goes while the link is closed); a refusal is logged."""
        for axis in self.axes:
            self.link.send(to_message(axis, tuning))

    def on_ack(self, ack: m.Ack) -> None:
        if ack.type != m.MotorTuning.TYPE:
            return
        with self._answers:
            if ack.seq in self._pending:
                self._acks[ack.seq] = ack.status
                self._answers.notify_all()
                return
        if ack.status != m.ACK_OK:  # the tuning sent at connect
            self._on_refusal(
                f"the board refused the {self.spec.name} tuning sent at connect "
                f"({m.ACK_REASONS.get(ack.status, ack.status)}): it runs its build defaults"
            )
