"""What stops the wiring test: any key on its terminal, and, when ROS runs, the e-stop
(/estop/state, as every actuator reads it: engaged, not heard yet, or silent for 3 s is stopped).
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import threading
import time
import tty
from typing import IO

from terry.bringup.wiring_motors import Stopped

ESTOP_SILENCE = 3.0  # s without /estop/state before it counts as engaged
ESTOP_FIRST = 3.0  # s to wait for the first /estop/state at start


class Keys:
    """Single keys from a terminal (cbreak mode until close()) or any readable stream."""

    def __init__(self, stream: IO = sys.stdin) -> None:
        self.fd = stream.fileno()
        self.ended = False
        self._saved = None
        if os.isatty(self.fd):
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)

    def pressed(self, timeout: float = 0.0) -> str | None:
        """A key pressed (waiting up to timeout), or None; "" once the stream has ended."""
        if self.ended:
            return None
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 1)
        if not data:
            self.ended = True
            return ""
        return data.decode(errors="replace")

    def close(self) -> None:
        if self._saved is not None:
            with contextlib.suppress(termios.error):
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)


class RosEstop:
    """/estop/state as the actuators read it; None if no ROS master answers."""

    def __init__(self) -> None:
        import rospy  # only when a master runs: the test works without ROS
        from std_msgs.msg import Bool

        self._engaged: bool | None = None
        self._heard = 0.0
        self._lock = threading.Lock()
        rospy.init_node("wiring_test", anonymous=True, disable_signals=True)
        self._subscriber = rospy.Subscriber("/estop/state", Bool, self._on_state, queue_size=1)
        self._started = time.monotonic()

    def _on_state(self, message) -> None:
        with self._lock:
            self._engaged, self._heard = bool(message.data), time.monotonic()

    def wait_first(self, timeout: float = ESTOP_FIRST) -> None:
        deadline = time.monotonic() + timeout
        while self._engaged is None and time.monotonic() < deadline:
            time.sleep(0.05)

    def reason(self) -> str | None:
        with self._lock:
            engaged, heard = self._engaged, self._heard
        if engaged is None:
            return "e-stop state not heard on /estop/state (start the estop node, or release it)"
        if engaged:
            return "e-stop engaged (/estop/state)"
        if time.monotonic() - heard > ESTOP_SILENCE:
            return f"/estop/state silent for {ESTOP_SILENCE:.0f} s: counts as engaged"
        return None

    def close(self) -> None:
        self._subscriber.unregister()


class Stopper:
    """Any key or the e-stop stops the motors; answer() reads the prompts' keys."""

    def __init__(self, keys: Keys, estop: RosEstop | None) -> None:
        self.keys, self.estop = keys, estop

    def reason(self) -> str | None:
        if self.estop is not None:
            reason = self.estop.reason()
            if reason:
                return reason
        key = self.keys.pressed()
        if key:
            return f"key {key!r} pressed"
        return None

    def answer(self, prompt: str) -> str:
        """Show prompt; "" for Enter, "s" to skip; Stopped on q, the e-stop or no input."""
        print(prompt, flush=True)
        while True:
            if self.estop is not None and self.estop.reason():
                raise Stopped(self.estop.reason())
            key = self.keys.pressed(0.1)
            if key is None:
                continue
            if key in ("\n", "\r", "s", "S"):
                while self.keys.pressed(0.3):  # an Enter after the s is no stop key
                    pass
                return key.strip().lower()
            if key == "" or key.lower() == "q":
                raise Stopped("quit at the prompt" if key else "no input to answer (--no-hand?)")
