"""The Pololu Maestro servo controller's compact serial protocol (bytes only, no I/O).

A command is a command byte (most significant bit set) and 7-bit data bytes. Targets are pulse
widths in quarter-microseconds (1500 us -> 6000); 0 stops the pulses (the servo goes limp).
Speed is in 0.25 us per 10 ms, acceleration in 0.25 us per 10 ms per 80 ms; 0 means unlimited.
Replies: get position -> 2 bytes little-endian, get moving state -> 1 byte, get errors -> 2 bytes
little-endian (reading clears them). Worked example from Pololu's guide: channel 2 to 1500 us is
0x84 0x02 0x70 0x2E.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag

MAX_VALUE = 0x3FFF  # 14 bits in two 7-bit data bytes


class Command(IntEnum):
    SET_TARGET = 0x84
    SET_SPEED = 0x87
    SET_ACCELERATION = 0x89
    GET_POSITION = 0x90
    GET_MOVING_STATE = 0x93
    GET_ERRORS = 0xA1
    GO_HOME = 0xA2


#: Data bytes after each command byte.
DATA_LENGTH = {
    Command.SET_TARGET: 3,
    Command.SET_SPEED: 3,
    Command.SET_ACCELERATION: 3,
    Command.GET_POSITION: 1,
    Command.GET_MOVING_STATE: 0,
    Command.GET_ERRORS: 0,
    Command.GO_HOME: 0,
}


class MaestroError(IntFlag):
    """The Maestro's error register (get errors), as documented by Pololu."""

    SERIAL_SIGNAL = 1 << 0
    SERIAL_OVERRUN = 1 << 1
    SERIAL_BUFFER_FULL = 1 << 2
    SERIAL_CRC = 1 << 3
    SERIAL_PROTOCOL = 1 << 4
    SERIAL_TIMEOUT = 1 << 5
    SCRIPT_STACK = 1 << 6
    SCRIPT_CALL_STACK = 1 << 7
    SCRIPT_PROGRAM_COUNTER = 1 << 8


def describe_errors(bits: int) -> str:
    """Error register bits in words, e.g. 'SERIAL_PROTOCOL'; '' when clear."""
    return ", ".join(flag.name or "" for flag in MaestroError if bits & flag)


def _channel(channel: int) -> int:
    if not 0 <= channel <= 23:
        raise ValueError(f"Maestro channel must be 0..23, got {channel}")
    return channel


def _value_bytes(value: int, what: str) -> bytes:
    if not 0 <= value <= MAX_VALUE:
        raise ValueError(f"{what} must be 0..{MAX_VALUE}, got {value}")
    return bytes((value & 0x7F, (value >> 7) & 0x7F))


def set_target(channel: int, quarter_us: int) -> bytes:
    """Set Target: the pulse width in quarter-microseconds (0 = off, limp)."""
    return bytes((Command.SET_TARGET, _channel(channel))) + _value_bytes(quarter_us, "target")


def set_speed(channel: int, speed: int) -> bytes:
    """Set Speed: limit in 0.25 us per 10 ms (0 = unlimited)."""
    return bytes((Command.SET_SPEED, _channel(channel))) + _value_bytes(speed, "speed")


def set_acceleration(channel: int, acceleration: int) -> bytes:
    """Set Acceleration: limit in 0.25 us per 10 ms per 80 ms (0 = unlimited, max 255)."""
    if acceleration > 255:
        raise ValueError(f"acceleration must be 0..255, got {acceleration}")
    return bytes((Command.SET_ACCELERATION, _channel(channel))) + _value_bytes(
        acceleration, "acceleration"
    )


def get_position(channel: int) -> bytes:
    return bytes((Command.GET_POSITION, _channel(channel)))


def get_moving_state() -> bytes:
    return bytes((Command.GET_MOVING_STATE,))


def get_errors() -> bytes:
    return bytes((Command.GET_ERRORS,))


def go_home() -> bytes:
    return bytes((Command.GO_HOME,))


def decode_u16(reply: bytes) -> int:
    """A two-byte little-endian reply (position, errors)."""
    if len(reply) != 2:
        raise ValueError(f"expected a 2-byte reply, got {len(reply)} bytes")
    return reply[0] | reply[1] << 8


def decode_value(low: int, high: int) -> int:
    """The 14-bit value of two 7-bit data bytes."""
    return (low & 0x7F) | (high & 0x7F) << 7
