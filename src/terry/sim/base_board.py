"""A simulated base motor board speaking the link protocol on a pty: two wheel gearmotors with a
first-order speed response, quadrature encoders, the 250 ms host-silence watchdog and e-stop,
and a 3S LiPo that drains with wheel effort, reported as Battery each second.

Encoders: 12 counts per motor revolution (quadrature) x 30:1 gearbox = 360 counts per wheel turn.
MotorTuning: refused (Ack 4) beyond the firmware's ceilings, like firmware/lib/base_app.cpp; the
tuned max_speed bounds the wheel speeds it takes. Its plant is a first-order response to the
commanded speed, so gains and max_accel are kept and answered but do not shape it (the host-built
base firmware, firmware/host/base_host, runs the real PID).
Wiring faults for the wiring test (terry.bringup.wiring), per Wheel: a reversed motor, a reversed
or dead encoder, another gearbox than the firmware's (gear); a hand can turn a wheel (hand).
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from terry.link import codec
from terry.link import messages as m
from terry.sim.pty import PseudoSerial
from terry.tuning.gains import MotorSpec, MotorTuning, from_message

TICKS_PER_REV = 12 * 30
FIRMWARE_VERSION = 1
WATCHDOG = 0.25  # s without a WheelVelocity frame before the motors stop
TIME_CONSTANT = 0.1  # s, motor speed response under the firmware's speed loop
BRAKE_TIME_CONSTANT = 0.01  # s, a motor in short brake (target 0) on the H-bridge
STICTION = 0.5  # rad/s: below it, a braking gearmotor stops dead
MAX_SPEED = 20.0  # rad/s at the wheel, the motors' no-load speed
ENCODER_PERIOD = 0.1  # s between unsolicited Encoders reports while no command arrives
STATUS_PERIOD = 0.2  # s between Status reports
FREE_RAM = 1400  # bytes, what the real sketch reports
BATTERY_PERIOD = 1.0  # s between Battery reports
ADC_FULL_SCALE = 15.638  # V read as 1023 through the divider (firmware/lib/base_app.h)
# The firmware's build tuning and run-time ceilings (firmware/lib/base_app.h: BASE_KP ...).
FIRMWARE_TUNING = MotorSpec(
    "wheel", MotorTuning(300.0, 200.0, 0.0, MAX_SPEED, 40.0), MAX_SPEED, 100.0
)


@dataclass
class SimBattery:
    """The base's 3S LiPo, as firmware/host/plant.h models it: open-circuit voltage linear in the
    charge from 10.2 V (empty) to 12.6 V (full), 0.1 ohm inside, 2.2 Ah; 0.25 A at idle and up
    to 1.5 A per wheel at full effort."""

    charge: float = 1.0  # of the capacity
    current: float = 0.0  # A

    def __post_init__(self) -> None:
        if not 0.0 <= self.charge <= 1.0:
            raise ValueError(f"battery charge must be within 0..1, got {self.charge!r}")

    def advance(self, dt: float, effort: float) -> None:
        """effort: the sum over the wheels of |speed| / MAX_SPEED."""
        self.current = 0.25 + 1.5 * effort
        self.charge = max(0.0, self.charge - self.current * dt / (2.2 * 3600))

    def millivolts(self) -> int:
        """What the firmware sends: the voltage through its 10-bit ADC, in mV."""
        volts = 10.2 + 2.4 * self.charge - 0.1 * self.current
        reading = min(1023, max(0, round(volts * 1023 / ADC_FULL_SCALE)))
        return reading * round(ADC_FULL_SCALE * 1000) // 1023


@dataclass
class Wheel:
    """One wheel gearmotor; angle is the wheel's true angle (rad, positive: forward)."""

    target: float = 0.0
    speed: float = 0.0
    angle: float = 0.0
    reversed_motor: bool = False  # its two motor wires swapped: it turns the other way
    reversed_encoder: bool = False  # encoder A and B swapped: it counts the other way
    dead_encoder: bool = False  # no counts (unpowered, or A and B not connected)
    gear: float = 1.0  # the real gearbox over the firmware's: counts per wheel turn x gear
    hand: float = 0.0  # rad/s a hand turns the wheel at, whatever the motor does

    def advance(self, dt: float) -> None:
        previous = self.speed
        # The firmware's speed loop holds the counts' rate, so with another gearbox the wheel
        # turns at target / gear.
        target = self.target / self.gear * (-1 if self.reversed_motor else 1)
        tau = TIME_CONSTANT if target else BRAKE_TIME_CONSTANT
        self.speed += (target - self.speed) * (1 - math.exp(-dt / tau))
        if target == 0.0 and abs(self.speed) < STICTION:
            self.speed = 0.0
        if self.hand:
            previous = self.speed = self.hand
        self.angle += 0.5 * (previous + self.speed) * dt

    @property
    def ticks(self) -> int:
        if self.dead_encoder:
            return 0
        counts = math.floor(self.angle * TICKS_PER_REV * self.gear / (2 * math.pi))
        return -counts if self.reversed_encoder else counts


def int32(value: int) -> int:
    """Wrap to a signed 32-bit counter, as the firmware's long does."""
    return (value + 2**31) % 2**32 - 2**31


@dataclass
class BaseBoardModel:
    """The board's protocol handling and plant; the clock is whatever advance() is given."""

    baud: int = 115200
    wheels: tuple[Wheel, Wheel] = field(default_factory=lambda: (Wheel(), Wheel()))
    battery: SimBattery = field(default_factory=SimBattery)
    estop: bool = False
    watchdog_tripped: bool = False
    clock: float = 0.0
    _last_command: float | None = None
    _seq: int = 0
    _acked: int = 0
    _decoder: codec.Decoder = field(default_factory=codec.Decoder)
    _next_encoders: float = 0.0
    _next_status: float = 0.0
    _next_battery: float = 0.0
    tuning: list[MotorTuning] = field(default_factory=lambda: [FIRMWARE_TUNING.defaults] * 2)

    def _frame(self, message: m.Message) -> bytes:
        self._seq = (self._seq + 1) & 0xFF
        return codec.encode(message.TYPE, self._seq, message.pack())

    def receive(self, data: bytes) -> bytes:
        """Bytes from the host in, reply bytes out."""
        out = bytearray()
        for frame in self._decoder.feed(data):
            out += self._handle(frame)
        return bytes(out)

    def _handle(self, frame: codec.Frame) -> bytes:
        try:
            message = m.decode(frame)
        except ValueError:
            status = m.ACK_UNKNOWN_TYPE if frame.type not in m.MESSAGES else m.ACK_BAD_LENGTH
            return self._frame(m.Ack(frame.seq, frame.type, status))
        if isinstance(message, m.Hello):
            return self._frame(
                m.HelloReply(
                    m.PROTOCOL_VERSION,
                    m.FIRMWARE_BASE,
                    FIRMWARE_VERSION,
                    self.baud,
                    FREE_RAM,
                    TICKS_PER_REV,
                )
            )
        if isinstance(message, m.Estop):
            self.estop = bool(message.engaged)
            if self.estop:
                self._stop()
            return self._frame(m.Ack(frame.seq, frame.type, m.ACK_OK))
        if isinstance(message, m.WheelVelocity):
            status = self._command(message)
            refusal = self._frame(m.Ack(frame.seq, frame.type, status)) if status else b""
            return refusal + self._encoders(frame.seq)
        if isinstance(message, m.MotorTuning):
            tuning = from_message(message)
            ok = message.axis < 2 and FIRMWARE_TUNING.refusal(tuning) is None
            if ok:
                self.tuning[message.axis] = tuning
            return self._frame(m.Ack(frame.seq, frame.type, m.ACK_OK if ok else m.ACK_OUT_OF_RANGE))
        if isinstance(message, m.Heartbeat):
            return b""
        return self._frame(m.Ack(frame.seq, frame.type, m.ACK_UNKNOWN_TYPE))

    def _command(self, message: m.WheelVelocity) -> int:
        self._last_command = self.clock
        self.watchdog_tripped = False
        if self.estop:
            self._stop()
            return m.ACK_ESTOPPED
        targets = (message.left / 1000.0, message.right / 1000.0)
        if any(abs(t) > tuned.max_speed for t, tuned in zip(targets, self.tuning, strict=True)):
            self._stop()
            return m.ACK_OUT_OF_RANGE
        for wheel, target in zip(self.wheels, targets, strict=True):
            wheel.target = target
        return m.ACK_OK

    def _encoders(self, acked: int) -> bytes:
        self._acked = acked
        self._next_encoders = self.clock + ENCODER_PERIOD
        millis = int(self.clock * 1000) & 0xFFFF
        left, right = (int32(w.ticks) for w in self.wheels)
        return self._frame(m.Encoders(millis, acked, left, right))

    def _stop(self) -> None:
        for wheel in self.wheels:
            wheel.target = 0.0

    def advance(self, dt: float) -> bytes:
        """Run the plant and the firmware's timers for dt seconds; the reports due, as bytes."""
        self.clock += dt
        if self._last_command is not None and self.clock - self._last_command > WATCHDOG:
            self._last_command = None
            self.watchdog_tripped = True
            self._stop()
        for wheel in self.wheels:
            wheel.advance(dt)
        self.battery.advance(dt, sum(abs(w.speed) for w in self.wheels) / MAX_SPEED)
        out = bytearray()
        if self.clock >= self._next_battery:
            self._next_battery = self.clock + BATTERY_PERIOD
            out += self._frame(m.Battery(self.battery.millivolts()))
        if self.clock >= self._next_encoders:
            out += self._encoders(self._acked)
        if self.clock >= self._next_status:
            self._next_status = self.clock + STATUS_PERIOD
            flags = (m.FLAG_ESTOP if self.estop else 0) | (
                m.FLAG_WATCHDOG if self.watchdog_tripped else 0
            )
            d = self._decoder
            out += self._frame(
                m.Status(
                    flags,
                    min(d.crc_errors, 0xFFFF),
                    min(d.dropped_bytes, 0xFFFF),
                    FREE_RAM,
                )
            )
        return bytes(out)


def write_or_drop(port: PseudoSerial, data: bytes) -> None:
    """Write what the pty takes; like a UART with nobody listening, the rest is lost."""
    with contextlib.suppress(OSError):
        os.write(port.fileno(), data)


def serve(
    link: str,
    board: BaseBoardModel,
    running: Callable[[], bool],
    on_tick: Callable[[BaseBoardModel], None] = lambda _board: None,
    tick: float = 0.005,
) -> None:
    """Run the board on a pty at `link` while running() is true; on_tick sees the plant."""
    with PseudoSerial(link) as port:
        last = time.monotonic()
        while running():
            ready, _, _ = select.select([port], [], [], tick)
            if ready:
                write_or_drop(port, board.receive(port.read()))
            now = time.monotonic()
            if now - last >= tick:
                write_or_drop(port, board.advance(now - last))
                last = now
                on_tick(board)
