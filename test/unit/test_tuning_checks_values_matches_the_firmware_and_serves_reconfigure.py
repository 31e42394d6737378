"""Motor tuning's host side, without a board: config/tuning.yaml holds the firmware's build
defaults and ceilings (read from the headers) and the base twin's; every value the firmware would
refuse (NaN, infinite, negative, beyond a ceiling, not a number) is refused with a clear reason;
the wire form round-trips within its resolution; a bad tuning file is one clear error; the
dynamic_reconfigure description is one dynamic_reconfigure itself encodes, and its callback keeps
only what was taken.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terry.sim.base_board import FIRMWARE_TUNING
from terry.sim.firmware import FIRMWARE
from terry.tuning.gains import (
    GAIN_LIMIT,
    MIN_LIMIT,
    MotorTuning,
    from_message,
    load_specs,
    to_message,
)
from terry.tuning.reconfigure import TuningCallback, description

SPECS = load_specs()


def defines(header: str) -> dict[str, float]:
    text = (FIRMWARE / "lib" / header).read_text()
    return {k: float(v) for k, v in re.findall(r"#define (\w+) ([-\d.]+)f?\b", text)}


def test_the_config_holds_the_firmware_build_values_and_ceilings():
    pan, base = defines("pan_tilt_app.h"), defines("base_app.h")
    motor = (FIRMWARE / "lib" / "motor.h").read_text()
    assert f"MOTOR_GAIN_LIMIT = {GAIN_LIMIT:.1f}f" in motor
    assert f"MOTOR_MIN_LIMIT = {MIN_LIMIT}f" in motor
    for spec, values, prefix in ((SPECS["pan"], pan, "PAN"), (SPECS["wheel"], base, "BASE")):
        d = spec.defaults
        assert (d.kp, d.ki, d.kd) == tuple(values[f"{prefix}_K{g}"] for g in "PID")
        assert (d.max_speed, d.max_accel) == (
            values[f"{prefix}_MAX_SPEED"],
            values[f"{prefix}_MAX_ACCEL"],
        )
        assert spec.speed_ceiling == values[f"{prefix}_MAX_SPEED"]
        assert spec.accel_ceiling == values[f"{prefix}_ACCEL_CEILING"]
    assert SPECS["wheel"] == FIRMWARE_TUNING


BAD = [math.nan, math.inf, -math.inf, -1.0, -1e-9, "3", None, True]


@pytest.mark.parametrize("field", ["kp", "ki", "kd", "max_speed", "max_accel"])
def test_values_the_firmware_refuses_are_refused_with_the_reason(field):
    spec = SPECS["pan"]
    low, high = spec.bounds(field)
    assert spec.refusal(spec.defaults) is None
    for good in (low, high):
        assert spec.refusal(MotorTuning(**{**dict(spec.defaults.items()), field: good})) is None
    for bad in [*BAD, high * 1.001, high + 1, low * 0.999 if low else -0.5]:
        tuning = MotorTuning(**{**dict(spec.defaults.items()), field: bad})
        reason = spec.refusal(tuning)
        assert reason and f"pan {field} " in reason and "stays as it was" in reason, bad
        assert f"{low:g} .. {high:g}" in reason


@given(
    st.floats(0, GAIN_LIMIT),
    st.floats(0, GAIN_LIMIT),
    st.floats(0, GAIN_LIMIT),
    st.floats(MIN_LIMIT, 20.0),
    st.floats(MIN_LIMIT, 100.0),
)
def test_wire_form_round_trips_within_its_resolution(kp, ki, kd, speed, accel):
    tuning = MotorTuning(kp, ki, kd, speed, accel)
    assert SPECS["wheel"].refusal(tuning) is None
    message = to_message(1, tuning)
    assert message.axis == 1
    back = from_message(message)
    for (_name, a), (_same, b) in zip(tuning.items(), back.items(), strict=True):
        assert abs(a - b) <= 0.5e-3
    assert SPECS["wheel"].refusal(back) is None


def test_a_bad_tuning_file_is_one_clear_error(tmp_path):
    path = tmp_path / "tuning.yaml"
    for text, words in [
        ("pan: {kp: 1}", "'pan'"),
        ("[1, 2]", "expected motors by name"),
        ("pan: {kp: 1, ki: 1, kd: 0, max_speed: 0.1, max_accel: 0.5}", "'pan'"),
        (
            "pan: {kp: -1, ki: 1, kd: 0, max_speed: 0.1, max_accel: 0.5,"
            " ceilings: {max_speed: 0.17, max_accel: 2}}",
            "pan kp -1.0 refused",
        ),
        ("pan: {kp: [", "cannot read"),
    ]:
        path.write_text(text)
        with pytest.raises(ValueError, match=re.escape(words)):
            load_specs(path)
    with pytest.raises(ValueError, match="cannot read"):
        load_specs(tmp_path / "missing.yaml")


def test_dynamic_reconfigure_encodes_the_description_with_ranges_and_defaults():
    from dynamic_reconfigure.encoding import encode_description, extract_params

    spec = SPECS["pan"]
    kind = description(spec)
    encoded = encode_description(kind)
    names = [p.name for p in encoded.groups[0].parameters]
    assert names == ["pan_kp", "pan_ki", "pan_kd", "pan_max_speed", "pan_max_accel"]
    defaults = {p.name: p.value for p in encoded.dflt.doubles}
    assert defaults == {f"pan_{k}": v for k, v in spec.defaults.items()}
    maxima = {p.name: p.value for p in encoded.max.doubles}
    assert maxima["pan_max_speed"] == spec.speed_ceiling and maxima["pan_kp"] == GAIN_LIMIT
    assert [p["name"] for p in extract_params(kind.config_description)] == names


def test_the_callback_keeps_what_was_taken_and_answers_the_old_values_for_a_refusal():
    spec = SPECS["pan"]
    taken: list[MotorTuning] = []
    refusals: list[str] = []
    board_says: list[str | None] = [None]

    def apply(tuning: MotorTuning) -> str | None:
        reason = spec.refusal(tuning) or board_says[0]
        if not reason:
            taken.append(tuning)
        return reason

    callback = TuningCallback(spec, apply, refusals.append)
    config = dict(description(spec).defaults, groups={})
    assert callback(dict(config), -1) == config and not taken  # unchanged: nothing sent
    answer = callback({**config, "pan_kp": 100.0}, 1)
    assert answer["pan_kp"] == 100.0 and taken[-1].kp == 100.0
    for bad in (-5.0, math.nan, 1e9):
        answer = callback({**config, "pan_kp": 100.0, "pan_ki": bad}, 1)
        assert answer["pan_ki"] == spec.defaults.ki and answer["pan_kp"] == 100.0
    board_says[0] = "the board did not take it"
    answer = callback({**config, "pan_kp": 7.0}, 1)
    assert answer["pan_kp"] == 100.0
    assert len(taken) == 1 and len(refusals) == 4
    assert "pan ki -5.0 refused" in refusals[0] and refusals[-1] == "the board did not take it"
