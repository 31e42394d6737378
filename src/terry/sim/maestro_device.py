"""A simulated Pololu Maestro: the compact protocol's parser and the servo outputs it drives.

The outputs move as the Maestro moves them (speed and acceleration limits per 10 ms tick) and
no faster than the servo itself can slew. Malformed input sets the serial protocol error bit,
as on the real board, and never moves anything. Channels may start with pulses on (the Maestro's
per-channel "on startup: go to" setting), and a fault can be injected: `block(channel, pulse)`
puts an obstacle in a servo's way (a stalled joint, an object in the claw), and a channel's
`slew` makes one servo slower than the rest. The reported position is the servo's.
`as_built` says where a simulated servo truly points: its centre and us per radian may be off
the calibration's and it may turn the other way (for the calibration tools; simulation only).
"""

from __future__ import annotations

import dataclasses
import math
import select
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from terry.arm.calibration import ServoChannel
from terry.arm.maestro import DATA_LENGTH, Command, MaestroError, decode_value
from terry.sim.pty import PseudoSerial

TICK = 0.010  # the Maestro updates its outputs every 10 ms
ACCEL_PERIOD_TICKS = 8  # acceleration is per 80 ms


@dataclass
class ServoOutput:
    """One channel: pulse widths in quarter-microseconds (0: no pulses)."""

    target: int = 0
    position: float = 0.0
    speed: int = 0
    acceleration: int = 0
    velocity: float = 0.0  # quarter-us per tick, for acceleration limiting
    slew: float = 0.0  # the servo's own limit in quarter-us per tick (0: instant)
    block: float | None = None  # an obstacle: the servo cannot pass this pulse width
    block_side: int = 0  # the side of the obstacle the servo is on (0: held where it is)

    def tick(self) -> None:
        if self.target == 0:
            self.position, self.velocity = 0.0, 0.0
            return
        if self.position == 0.0:  # first pulse after being off: the servo jumps there
            self.position = float(self.target)
            return
        error = self.target - self.position
        limit = min(filter(None, (self.speed, self.slew)), default=math.inf)
        step = max(-limit, min(limit, error))
        if self.acceleration:
            accel = self.acceleration / ACCEL_PERIOD_TICKS
            stopping = math.sqrt(2 * accel * abs(error))  # still able to stop at the target
            step = math.copysign(min(abs(step), stopping), error)
            step = max(self.velocity - accel, min(self.velocity + accel, step))
        if abs(step) >= abs(error):
            step = error
        position = self.position + step
        if self.block is not None:  # the obstacle stops it dead
            if self.block_side >= 0 and position < self.block <= self.position:
                position = self.block
            if self.block_side <= 0 and position > self.block >= self.position:
                position = self.block
        self.velocity = position - self.position
        self.position = position

    @property
    def moving(self) -> bool:
        return self.target != 0 and abs(self.target - self.position) > 0.5


class MaestroDevice:
    """The board: feed it bytes with receive(), get the reply bytes back; advance(dt) moves it."""

    def __init__(
        self, channels: int = 6, servo_slew: float = 0.0, startup: Sequence[int] = ()
    ) -> None:
        """`startup`: per channel, the pulse (quarter-us) sent from power-on (0: none)."""
        self.outputs = [ServoOutput(slew=servo_slew) for _ in range(channels)]
        for output, pulse in zip(self.outputs, startup, strict=False):
            output.target, output.position = pulse, float(pulse)
        self.errors = 0
        self._packet: list[int] = []
        self._elapsed = 0.0

    def receive(self, data: bytes) -> bytes:
        """Parse incoming bytes; return the replies they ask for."""
        replies = bytearray()
        for byte in data:
            if byte & 0x80:
                if self._packet:
                    self.errors |= MaestroError.SERIAL_PROTOCOL  # unfinished packet interrupted
                self._packet = [byte]
                if byte not in DATA_LENGTH:
                    self.errors |= MaestroError.SERIAL_PROTOCOL
                    self._packet = []
                    continue
            elif not self._packet:
                self.errors |= MaestroError.SERIAL_PROTOCOL  # data byte with no command
                continue
            else:
                self._packet.append(byte)
            command = Command(self._packet[0])
            if len(self._packet) == 1 + DATA_LENGTH[command]:
                replies += self._execute(command, self._packet[1:])
                self._packet = []
        return bytes(replies)

    def _execute(self, command: Command, data: list[int]) -> bytes:
        if command in (Command.GET_MOVING_STATE, Command.GET_ERRORS, Command.GO_HOME):
            channel = None
        elif data[0] >= len(self.outputs):
            self.errors |= MaestroError.SERIAL_PROTOCOL
            return b""
        else:
            channel = self.outputs[data[0]]
        if command is Command.SET_TARGET:
            channel.target = decode_value(data[1], data[2])
        elif command is Command.SET_SPEED:
            channel.speed = decode_value(data[1], data[2])
        elif command is Command.SET_ACCELERATION:
            channel.acceleration = min(255, decode_value(data[1], data[2]))
        elif command is Command.GET_POSITION:
            return round(channel.position).to_bytes(2, "little")
        elif command is Command.GET_MOVING_STATE:
            return bytes((int(any(o.moving for o in self.outputs)),))
        elif command is Command.GET_ERRORS:
            errors, self.errors = self.errors, 0
            return errors.to_bytes(2, "little")
        elif command is Command.GO_HOME:  # home configured as "off" on every channel
            for output in self.outputs:
                output.target = 0
        return b""

    def block(self, channel: int, pulse: float | None) -> None:
        """Put an obstacle at `pulse` (quarter-us) in the channel's way; None removes it. A
        servo at the obstacle itself is held there both ways."""
        output = self.outputs[channel]
        output.block = pulse
        if pulse is not None:
            output.block_side = (output.position > pulse) - (output.position < pulse)

    def advance(self, seconds: float) -> None:
        """Let time pass: the outputs move one step per 10 ms tick."""
        self._elapsed += seconds
        while self._elapsed >= TICK:
            self._elapsed -= TICK
            for output in self.outputs:
                output.tick()


def as_built(
    servo: ServoChannel, centre_error: float = 0.0, reverse: bool = False, scale: float = 1.0
) -> ServoChannel:
    """The servo as built: its true centre `centre_error` us off the calibration's, turning the
    other way when `reverse`, `scale` times its us_per_rad; its `to_angle` of an output's
    position is the joint's true angle."""
    return dataclasses.replace(
        servo,
        center_us=servo.center_us + centre_error,
        direction=-servo.direction if reverse else servo.direction,
        us_per_rad=servo.us_per_rad * scale,
    )


def serve(link: str, device: MaestroDevice, running: Callable[[], bool]) -> None:
    """Run the device on a pty at `link` (the port the driver opens) while running() is true."""
    with PseudoSerial(link) as port:
        last = time.monotonic()
        while running():
            ready, _, _ = select.select([port], [], [], TICK / 2)
            now = time.monotonic()
            device.advance(now - last)
            last = now
            if ready:
                reply = device.receive(port.read())
                if reply:
                    port.write(reply)
