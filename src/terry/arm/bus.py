"""The arm's servos on a Maestro over pyserial: joint angles in, joint angles out (ROS-free).

Survives the board being unplugged: every I/O error closes the port and raises LinkDown with
a reason naming the port and the likely cause; `connect()` may be called again to retry.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import serial

from terry.arm import maestro
from terry.arm.calibration import ServoChannel

REPLY_TIMEOUT = 0.1  # s: a Maestro answers within a millisecond or two


class LinkDown(ConnectionError):
    """The Maestro cannot be reached (absent, unplugged, not answering)."""


class ServoBus:
    def __init__(self, port: str, channels: Mapping[str, ServoChannel], baud: int = 115200):
        self.port = port
        self.baud = baud
        self.channels = dict(channels)
        self._serial: serial.Serial | None = None
        self._sent: dict[str, int] = {}
        self.reconnects = 0
        self.timeouts = 0
        self.stale_replies = 0

    @property
    def connected(self) -> bool:
        return self._serial is not None

    def connect(self) -> None:
        """Open the port, clear stale errors, set each servo's speed from the URDF limit and
        its acceleration to unlimited (the driver plans the motion; a ramp left on the board by
        the Maestro Control Center would make points late)."""
        try:
            self._serial = serial.Serial(self.port, self.baud, timeout=REPLY_TIMEOUT)
        except (serial.SerialException, OSError) as error:
            raise LinkDown(
                f"cannot open {self.port}: {error}. Is the Maestro plugged in and powered, is the "
                f"port right (ls /dev/serial/by-id/), and may this user open it (group dialout)?"
            ) from None
        self._sent.clear()
        self.reconnects += 1
        self._serial.reset_input_buffer()
        self.errors()
        for servo in self.channels.values():
            self._write(
                maestro.set_speed(servo.channel, servo.speed_limit())
                + maestro.set_acceleration(servo.channel, 0)
            )

    def close(self) -> None:
        if self._serial is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                self._serial.close()
        self._serial = None

    def _fail(self, what: str, error: object) -> LinkDown:
        self.close()
        return LinkDown(f"{self.port}: {what} failed ({error}); the Maestro was unplugged or reset")

    def _write(self, data: bytes) -> None:
        if self._serial is None:
            raise LinkDown(f"{self.port} is not open")
        try:
            self._serial.write(data)
        except (serial.SerialException, OSError) as error:
            raise self._fail("write", error) from None

    def _query(self, request: bytes, size: int) -> bytes:
        """Send a request and read its reply. The Maestro speaks only when asked, so bytes
        already waiting are a late reply to an earlier request: drop them, or every reply
        after them would be read one request out of step."""
        try:
            if self._serial.in_waiting:  # type: ignore[union-attr]
                self._serial.reset_input_buffer()  # type: ignore[union-attr]
                self.stale_replies += 1
        except (serial.SerialException, OSError, TypeError) as error:
            raise self._fail("read", error) from None
        self._write(request)
        try:
            reply = self._serial.read(size)  # type: ignore[union-attr]
        except (serial.SerialException, OSError, TypeError) as error:
            raise self._fail("read", error) from None
        if len(reply) != size:
            self.timeouts += 1
            raise self._fail("reply", f"{len(reply)} of {size} bytes in {REPLY_TIMEOUT} s")
        return reply

    def set_angles(self, angles: Mapping[str, float]) -> None:
        """Send targets (only those that changed); LimitError before anything is sent."""
        targets = {name: self.channels[name].to_quarter_us(a) for name, a in angles.items()}
        packet = b"".join(
            maestro.set_target(self.channels[name].channel, target)
            for name, target in targets.items()
            if self._sent.get(name) != target
        )
        if packet:
            self._write(packet)
            self._sent.update(targets)

    def read_angles(self) -> dict[str, float | None]:
        """Each joint's angle from the pulse the Maestro sends (None: limp, no pulses). All the
        requests go in one write and the replies come back in order: one round trip."""
        servos = list(self.channels.items())
        request = b"".join(maestro.get_position(servo.channel) for _, servo in servos)
        reply = self._query(request, 2 * len(servos))
        angles: dict[str, float | None] = {}
        for index, (name, servo) in enumerate(servos):
            pulse = maestro.decode_u16(reply[2 * index : 2 * index + 2])
            angles[name] = servo.to_angle(pulse) if pulse else None
        return angles

    def relax(self) -> None:
        """Stop the pulses on every channel: the servos go limp."""
        self._write(b"".join(maestro.set_target(s.channel, 0) for s in self.channels.values()))
        self._sent = {name: 0 for name in self.channels}

    def errors(self) -> int:
        """The Maestro's error register (reading clears it)."""
        return maestro.decode_u16(self._query(maestro.get_errors(), 2))
