"""The simulated base board served on a pty from a thread of the test process (no ROS)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from terry.sim.base_board import BaseBoardModel, serve


class ServedBoard:
    """A BaseBoardModel on a pty at `link`; stop() closes the pty (an unplug), start() replugs."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.model = BaseBoardModel()
        self._running = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._running.set()
        self._thread = threading.Thread(
            target=serve, args=(str(self.link), self.model, self._running.is_set)
        )
        self._thread.start()

    def stop(self) -> None:
        self._running.clear()
        if self._thread is not None:
            self._thread.join()


@pytest.fixture
def served_board(tmp_path):
    board = ServedBoard(tmp_path / "base")
    board.start()
    yield board
    board.stop()
