"""Servo calibration's stepping without ROS: a step that would take the joint beyond its URDF
limit is refused and nothing changes; the observed direction flips the servo's sign; the pulse
at a reference angle gives its us per radian; a centre
whose URDF limits would need pulses the servo does not accept is refused; servos.yaml is
rewritten keeping its header, and a file the driver would refuse is never written."""

from __future__ import annotations

import dataclasses
import math
import shutil

import pytest

from terry.arm.calibration import LimitError, load_calibration
from terry.calibration.servos import (
    Stepper,
    probe_angle,
    reference_angle,
    start_angle,
    write_servos,
)
from terry.model import load_robot
from terry.paths import package_file
from terry.sim.maestro_device import as_built

ROBOT = load_robot()
SERVOS = package_file("config", "servos.yaml")


@pytest.fixture
def channels():
    return load_calibration(SERVOS, ROBOT)


def test_steps_beyond_the_urdf_limit_are_refused_and_change_nothing(channels):
    claw = channels["arm_claw"]  # limits 0 .. 0.8 rad, its zero at the lower limit
    stepper = Stepper.at(claw, start_angle(claw))
    assert stepper.angle == pytest.approx(0.0)
    refusal = stepper.step(-2.0)
    assert refusal and "outside its limits" in refusal and "arm_claw" in refusal
    assert stepper.pulse == claw.center_us, "nothing moved"
    assert stepper.step(20.0) is None
    assert stepper.angle == pytest.approx(20.0 / claw.us_per_rad)


def test_a_reversed_servo_is_found_and_stepping_follows_the_true_direction_and_range(channels):
    wrist = channels["arm_wrist"]
    truth = as_built(wrist, centre_error=10.0, reverse=True, scale=0.98)

    def true_angle() -> float:
        return truth.to_angle(round(stepper.pulse * 4))

    stepper = Stepper.at(wrist, start_angle(wrist))
    before = truth.to_angle(wrist.to_quarter_us(start_angle(wrist)))
    after = truth.to_angle(wrist.to_quarter_us(probe_angle(wrist)))
    stepper.observed(moved_positive=after > before)
    assert stepper.direction == -wrist.direction
    assert true_angle() > 0
    for _ in range(5):  # - steps toward the joint's true negative side, its true zero
        true_before = true_angle()
        assert stepper.step(-2.0) is None
        assert true_angle() < true_before
    assert true_angle() == pytest.approx(0.0, abs=1e-9)
    stepper.accept_centre()
    reference = reference_angle(wrist)
    assert reference == pytest.approx(math.pi / 3)  # 0.7 of the way to 1.55 rad holds 60 deg
    assert stepper.move_to(reference) is None
    while abs(true_angle() - reference) * truth.us_per_rad > 1.0:
        assert stepper.step(2.0 if true_angle() < reference else -2.0) is None
    with pytest.raises(ValueError, match="on that side of its zero"):
        stepper.accept_reference(-reference)
    stepper.accept_reference(reference)
    calibrated = stepper.calibrated()
    assert (calibrated.center_us, calibrated.direction) == (truth.center_us, truth.direction)
    assert calibrated.us_per_rad == pytest.approx(truth.us_per_rad, rel=0.005)


def test_a_centre_that_cannot_hold_the_urdf_range_is_refused(channels):
    wrist = channels["arm_wrist"]  # +-1.55 rad needs +-987 us of the servo's 500..2500
    stepper = Stepper.at(wrist, 0.0)
    for _ in range(2):
        assert stepper.step(20.0) is None
    with pytest.raises(LimitError, match=r"beyond the servo's 500\.\.2500 us"):
        stepper.calibrated()


def test_the_file_is_rewritten_with_its_header_and_never_broken(channels, tmp_path):
    path = tmp_path / "servos.yaml"
    shutil.copy(SERVOS, path)
    stepper = Stepper.at(channels["arm_claw"], 0.0)
    stepper.step(60.0)
    channels["arm_claw"] = stepper.calibrated()
    write_servos(path, channels, ROBOT)
    text = path.read_text()
    assert text.startswith("# The arm's servos") and "Joint limits and velocity" in text
    reread = load_calibration(path, ROBOT)
    assert reread["arm_claw"].center_us == pytest.approx(1260.0)
    assert reread["arm_wrist"] == channels["arm_wrist"]
    channels["arm_wrist"] = dataclasses.replace(channels["arm_wrist"], center_us=1600.0)
    with pytest.raises(LimitError):
        write_servos(path, channels, ROBOT)
    assert path.read_text() == text, "a file the driver would refuse is not written"
