"""Typed, fixed-size payloads of the link (little-endian, struct-packed), one class per type.

Each message class has TYPE (the frame type byte), FORMAT (struct format) and pack()/unpack().
A message whose fields do not fit its wire format (1e300, a float, a negative unsigned) cannot be
made: the constructor raises ValueError. decode() turns a Frame into its message, refusing
unknown types and wrong lengths.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, fields
from typing import ClassVar

from terry.link.codec import Frame

PROTOCOL_VERSION = 1

# Firmware ids reported in HelloReply.
FIRMWARE_BASE = 1
FIRMWARE_PAN_TILT = 2
FIRMWARE_IMU = 3
FIRMWARE_NAMES = {FIRMWARE_BASE: "base", FIRMWARE_PAN_TILT: "pan/tilt", FIRMWARE_IMU: "IMU"}

# Ack status codes.
ACK_OK = 0
ACK_UNKNOWN_TYPE = 1
ACK_BAD_LENGTH = 2
ACK_ESTOPPED = 3
ACK_OUT_OF_RANGE = 4
ACK_REASONS = {
    ACK_OK: "ok",
    ACK_UNKNOWN_TYPE: "unknown message type",
    ACK_BAD_LENGTH: "wrong payload length",
    ACK_ESTOPPED: "refused: e-stop engaged",
    ACK_OUT_OF_RANGE: "refused: value out of range",
}

# Status flags.
FLAG_ESTOP = 0x01
FLAG_WATCHDOG = 0x02  # motors stopped because the host fell silent


class Message:
    TYPE: ClassVar[int]
    FORMAT: ClassVar[str]

    @classmethod
    def size(cls) -> int:
        return struct.calcsize(cls.FORMAT)

    def _values(self) -> tuple[int, ...]:
        return tuple(getattr(self, field.name) for field in fields(self))  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        values = self._values()
        if not all(type(value) is int for value in values):
            raise ValueError(f"{self!r}: every field must be an int")
        try:
            struct.pack(self.FORMAT, *values)
        except struct.error as error:
            raise ValueError(f"{self!r} does not fit on the wire: {error}") from None

    def pack(self) -> bytes:
        return struct.pack(self.FORMAT, *self._values())

    @classmethod
    def unpack(cls, payload: bytes) -> Message:
        return cls(*struct.unpack(cls.FORMAT, payload))


@dataclass(frozen=True)
class Hello(Message):
    """host -> board on connect: the host's protocol version and the baud it opened the port at."""

    TYPE = 0x01
    FORMAT = "<BI"
    protocol: int = PROTOCOL_VERSION
    baud: int = 115200


@dataclass(frozen=True)
class HelloReply(Message):
    """board -> host: who the board is. config: base ticks/rev, pan ticks/rev, IMU rate (Hz)."""

    TYPE = 0x02
    FORMAT = "<BBHIHH"
    protocol: int
    firmware: int
    firmware_version: int
    baud: int
    free_ram: int
    config: int


@dataclass(frozen=True)
class Heartbeat(Message):
    """host -> board when the host has nothing else to say for 100 ms."""

    TYPE = 0x03
    FORMAT = "<"


@dataclass(frozen=True)
class Status(Message):
    """board -> host at 5 Hz: its flags and its receive error counters (the board's heartbeat)."""

    TYPE = 0x04
    FORMAT = "<BHHH"
    flags: int
    rx_crc_errors: int
    rx_dropped: int
    free_ram: int


@dataclass(frozen=True)
class Ack(Message):
    """board -> host for a command frame it refuses, and for Estop and ImuConfig."""

    TYPE = 0x05
    FORMAT = "<BBB"
    seq: int
    type: int
    status: int


@dataclass(frozen=True)
class Estop(Message):
    """host -> board: 1 stops every actuator and refuses motion until 0."""

    TYPE = 0x06
    FORMAT = "<B"
    engaged: int


@dataclass(frozen=True)
class MotorTuning(Message):
    """host -> a motor board: one motor's PID gains (kp, ki, kd in 1/1000 PWM per rad, per rad*s,
    per rad/s) and limits (max_speed urad/s, max_accel urad/s^2); axis: pan 0, wheels 0 left,
    1 right. Answered by an Ack: ok, or 4 for a value beyond the firmware's ceilings."""

    TYPE = 0x07
    FORMAT = "<B5I"
    axis: int
    kp: int
    ki: int
    kd: int
    max_speed: int
    max_accel: int


@dataclass(frozen=True)
class WheelVelocity(Message):
    """host -> base: wheel speed targets, milliradians per second."""

    TYPE = 0x10
    FORMAT = "<hh"
    left: int
    right: int


@dataclass(frozen=True)
class Encoders(Message):
    """base -> host: the reply to each WheelVelocity (acked: its seq; refusals get an Ack too),
    and every 100 ms without commands: board clock (ms, wraps), cumulative encoder counts."""

    TYPE = 0x11
    FORMAT = "<HBii"
    millis: int
    acked: int
    left: int
    right: int


@dataclass(frozen=True)
class Battery(Message):
    """base -> host about once a second: the battery's voltage (mV), read through a divider."""

    TYPE = 0x12
    FORMAT = "<H"
    millivolts: int


@dataclass(frozen=True)
class PanTiltCommand(Message):
    """host -> pan/tilt: mode 0 hold, 1 pan position (urad), 2 pan velocity (urad/s); tilt mrad."""

    TYPE = 0x20
    FORMAT = "<Bih"
    mode: int
    pan: int
    tilt: int


@dataclass(frozen=True)
class PanTiltState(Message):
    """pan/tilt -> host at 50 Hz: pan angle (urad, unwrapped), pan speed (mrad/s), tilt (mrad)."""

    TYPE = 0x21
    FORMAT = "<Hihh"
    millis: int
    pan: int
    pan_velocity: int
    tilt: int


@dataclass(frozen=True)
class ImuConfig(Message):
    """host -> IMU: accel range (g), gyro range (deg/s), sample rate (Hz)."""

    TYPE = 0x30
    FORMAT = "<BHH"
    accel_range: int
    gyro_range: int
    rate: int


@dataclass(frozen=True)
class ImuSample(Message):
    """IMU -> host: board clock (us, wraps), raw accel and gyro counts (x, y, z each)."""

    TYPE = 0x31
    FORMAT = "<I6h"
    micros: int
    ax: int
    ay: int
    az: int
    gx: int
    gy: int
    gz: int


MESSAGES: dict[int, type[Message]] = {
    m.TYPE: m
    for m in (
        Hello,
        HelloReply,
        Heartbeat,
        Status,
        Ack,
        Estop,
        MotorTuning,
        WheelVelocity,
        Encoders,
        Battery,
        PanTiltCommand,
        PanTiltState,
        ImuConfig,
        ImuSample,
    )
}


def decode(frame: Frame) -> Message:
    """The typed message in a frame; ValueError for an unknown type or a wrong length."""
    kind = MESSAGES.get(frame.type)
    if kind is None:
        raise ValueError(f"unknown message type 0x{frame.type:02x}")
    if len(frame.payload) != kind.size():
        raise ValueError(
            f"{kind.__name__} needs {kind.size()} payload bytes, got {len(frame.payload)}"
        )
    return kind.unpack(frame.payload)
