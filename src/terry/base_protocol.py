"""What the base controller says to the base firmware and hears back, in Terry's link messages
(terry.link.messages, docs/serial-protocol.md). ROS-free.

- `wheel_command`: wheel speeds (rad/s) -> a WheelVelocity frame payload (mrad/s, int16),
  refusing what the wire cannot carry rather than wrapping it into a different speed.
- `encoder_counts`: an Encoders message -> cumulative (left, right) counts, 32-bit signed
  (EncoderOdometry unwraps them).
- `ticks_per_revolution`: the base's encoder resolution, from its HelloReply.
"""

from __future__ import annotations

import math

from terry.link.messages import FIRMWARE_BASE, FIRMWARE_NAMES, Encoders, HelloReply, WheelVelocity

INT16_MAX = 32767
ENCODER_COUNTER_BITS = 32


def wheel_command(left: float, right: float) -> WheelVelocity:
    """WheelVelocity for wheel speeds in rad/s; ValueError if not finite or beyond +-32.767."""
    milli = []
    for name, value in (("left", left), ("right", right)):
        scaled = round(value * 1000) if math.isfinite(value) else None
        if scaled is None or abs(scaled) > INT16_MAX:
            raise ValueError(
                f"{name} wheel speed {value} rad/s cannot be sent "
                f"(the link carries +-{INT16_MAX / 1000} rad/s)"
            )
        milli.append(scaled)
    return WheelVelocity(*milli)


def encoder_counts(message: Encoders) -> tuple[int, int]:
    """Cumulative (left, right) encoder counts from the base's Encoders report."""
    return message.left, message.right


def ticks_per_revolution(reply: HelloReply) -> int:
    """The base's encoder counts per wheel revolution; ValueError if the board is not a base."""
    if reply.firmware != FIRMWARE_BASE:
        name = FIRMWARE_NAMES.get(reply.firmware, f"unknown firmware {reply.firmware}")
        raise ValueError(
            f"the board on the base port runs the {name} firmware, not the base: "
            "check the port (ls -l /dev/serial/by-id/) or flash the base build"
        )
    if reply.config <= 0:
        raise ValueError(f"the base firmware reports {reply.config} encoder ticks per revolution")
    return reply.config
