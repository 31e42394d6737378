"""A command-line tool of Terry's run on the robot for a remote user (the dashboard): started on
request, fed one answer a line on its stdin (the tools read a pipe that way), its output passed
on line by line. One session at a time; stopping it kills the tool, which then writes nothing."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence


class ToolSession:
    """`python -m module args...`, with `on_line(text)` for each output line (a prompt is a line
    of its own: the tools end prompts with a newline when they read a pipe) and `on_end(status)`
    once it has exited."""

    def __init__(
        self,
        module: str,
        args: Sequence[str],
        on_line: Callable[[str], None],
        on_end: Callable[[int], None],
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._popen = subprocess.Popen(
            [sys.executable, "-u", "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
        self._write = threading.Lock()
        self._on_line, self._on_end = on_line, on_end
        threading.Thread(target=self._relay, daemon=True).start()

    @property
    def running(self) -> bool:
        return self._popen.poll() is None

    def send(self, answer: str) -> None:
        """One answer (a line) to the tool; ValueError for more than one line, RuntimeError when
        it has ended."""
        if "\n" in answer or "\r" in answer:
            raise ValueError("one answer a line: no line breaks")
        with self._write:
            if not self.running or self._popen.stdin is None:
                raise RuntimeError("the tool has ended")
            try:
                self._popen.stdin.write(answer + "\n")
                self._popen.stdin.flush()
            except (BrokenPipeError, ValueError):  # it ended as we wrote
                raise RuntimeError("the tool has ended") from None

    def stop(self) -> None:
        """Kill the tool (it writes nothing when it does not reach its end)."""
        if self.running:
            self._popen.kill()

    def _relay(self) -> None:
        assert self._popen.stdout is not None
        for line in self._popen.stdout:
            self._on_line(line.rstrip("\n"))
        self._on_end(self._popen.wait())
