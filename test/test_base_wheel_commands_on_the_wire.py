"""Wheel speeds become the link's WheelVelocity payload exactly, or are refused; the board's
HelloReply must name the base firmware before its encoder resolution is trusted."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("terry.link.messages", reason="the serial link's messages (issue 4)")

from terry.base_protocol import encoder_counts, ticks_per_revolution, wheel_command
from terry.link.messages import (
    FIRMWARE_BASE,
    FIRMWARE_PAN_TILT,
    Encoders,
    HelloReply,
    WheelVelocity,
)

speeds = st.floats(-32.7, 32.7, allow_nan=False)


@given(speeds, speeds)
def test_wheel_speeds_round_trip_through_the_payload_to_a_milliradian(left, right):
    wire = WheelVelocity.unpack(wheel_command(left, right).pack())
    assert wire.left / 1000 == pytest.approx(left, abs=5e-4)
    assert wire.right / 1000 == pytest.approx(right, abs=5e-4)


@pytest.mark.parametrize("bad", [math.nan, math.inf, 33.0, -40.0])
def test_speed_the_wire_cannot_carry_is_refused_not_wrapped(bad):
    with pytest.raises(ValueError, match="cannot be sent"):
        wheel_command(1.0, bad)


def test_encoder_counts_come_from_the_report():
    report = Encoders.unpack(Encoders(millis=12, left=-5, right=2**31 - 1).pack())
    assert encoder_counts(report) == (-5, 2**31 - 1)


def reply(firmware: int, config: int) -> HelloReply:
    return HelloReply(
        protocol=1, firmware=firmware, firmware_version=1, baud=115200, free_ram=900, config=config
    )


def test_ticks_per_revolution_come_from_the_base_firmware():
    assert ticks_per_revolution(reply(FIRMWARE_BASE, 1440)) == 1440


@pytest.mark.parametrize(
    ("firmware", "config", "reason"),
    [(FIRMWARE_PAN_TILT, 1440, "pan/tilt firmware"), (FIRMWARE_BASE, 0, "0")],
)
def test_wrong_board_or_resolution_is_refused_with_a_reason(firmware, config, reason):
    with pytest.raises(ValueError, match=reason):
        ticks_per_revolution(reply(firmware, config))
