"""A board's sample on the host's clock: the board's own time plus the offset between the clocks.

A sample reaches the host some time after the board took it (the link, a busy host), never
before; so the smallest (arrival - board time) seen is the offset, and board time plus it is when
the sample was taken. Stamping with arrival instead bunches samples that a busy host read late
into a burst after a gap, and whatever integrates them (odometry's gyro) loses the gap."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BoardClock:
    """Maps board times (s, unwrapped, rising) to host times (s). The offset may grow by `drift`
    s per s of board time, so a board clock running slower than the host's is followed (an
    Arduino's ceramic resonator is within 0.5 %); a board clock going back (a reset) starts
    over."""

    drift: float = 0.01
    _offset: float | None = None
    _board: float | None = None

    def host_time(self, board: float, arrival: float) -> float:
        """When the sample taken at `board` (board clock) was taken, on the host's clock; never
        after `arrival`, and rising while the board's clock rises."""
        if self._offset is None or self._board is None or board < self._board:
            self._offset = arrival - board
        else:
            grown = self._offset + self.drift * (board - self._board)
            self._offset = min(grown, arrival - board)
        self._board = board
        return board + self._offset
