"""Asking the user at the command line, the same on a terminal and from a pipe: on a terminal a
prompt stays on its line and keys are read one at a time; from a pipe (a script, a test) every
prompt ends its line, so the other end can read it, and one answer comes a line."""

from __future__ import annotations

import contextlib
import sys
import termios
import tty
from collections.abc import Iterator
from typing import TextIO


def ask(prompt: str, stream: TextIO | None = None) -> str:
    """One line from the user (without its newline); EOFError when the input has ended."""
    stream = stream or sys.stdin
    print(prompt, end="" if stream.isatty() else "\n", flush=True)
    line = stream.readline()
    if not line:
        raise EOFError("the input ended")
    return line.rstrip("\n")


class Quit(Exception):
    """The user quit: nothing is written."""


class Keys:
    """One key at a time from a terminal, or one command a line from a pipe."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.terminal = stream.isatty()

    def ask(self, prompt: str) -> str:
        """A key (Enter reads as "y"); Quit when the input has ended."""
        if not self.terminal:
            try:
                return ask(prompt, self.stream).strip() or "y"
            except EOFError:
                raise Quit("the input ended") from None
        print(prompt, end="", flush=True)
        with self._raw():
            key = self.stream.read(1)
        print(key if key.isprintable() else "")
        return "y" if key in ("\r", "\n") else key

    @contextlib.contextmanager
    def _raw(self) -> Iterator[None]:
        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd, termios.TCSANOW)  # keys typed during a move count
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
