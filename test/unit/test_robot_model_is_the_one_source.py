"""The URDF is valid, and the IK, servo calibration and base read their numbers from it."""

from __future__ import annotations

import math
import subprocess

import pytest

from terry.arm.calibration import LimitError, load_calibration
from terry.model import ARM_JOINTS, arm_geometry, drive_geometry, load_robot, parse_urdf
from terry.paths import package_file

URDF = package_file("urdf", "terry.urdf")
ROBOT = load_robot()


def test_check_urdf_accepts_the_model():
    checked = subprocess.run(["check_urdf", str(URDF)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Successfully Parsed XML" in checked.stdout


def test_every_interface_joint_is_in_the_model_with_limits():
    for name in (*ARM_JOINTS, "pan_joint", "tilt_joint"):
        joint = ROBOT.joint(name)
        assert joint.velocity > 0 and math.isfinite(joint.velocity)
    assert ROBOT.joint("pan_joint").type == "continuous"
    assert all(ROBOT.joint(n).lower < ROBOT.joint(n).upper for n in ARM_JOINTS)


def test_unknown_joint_error_lists_the_known_ones():
    with pytest.raises(KeyError, match="movable joints: arm_base_yaw"):
        ROBOT.joint("arm_knee")


def test_arm_geometry_follows_the_urdf():
    text = URDF.read_text().replace(
        '<origin xyz="0.1 0 0"/><axis xyz="0 -1 0"/>\n    <limit lower="-1.55"',
        '<origin xyz="0.13 0 0"/><axis xyz="0 -1 0"/>\n    <limit lower="-1.55"',
    )
    assert text != URDF.read_text()
    assert arm_geometry(parse_urdf(text)).forearm == pytest.approx(0.13)
    assert arm_geometry(ROBOT).forearm == pytest.approx(0.1)


def test_a_chain_the_closed_form_cannot_solve_is_refused_clearly():
    text = URDF.read_text().replace('<origin xyz="0 0 0.04"/><axis xyz="0 -1 0"/>',
                                    '<origin xyz="0 0.02 0.04"/><axis xyz="0 -1 0"/>')  # fmt: skip
    with pytest.raises(ValueError, match="yaw plane"):
        arm_geometry(parse_urdf(text))


def test_drive_geometry_comes_from_the_wheels():
    drive = drive_geometry(ROBOT)
    assert drive.wheel_radius == pytest.approx(0.035)
    assert drive.wheel_separation == pytest.approx(0.2)


def test_servo_calibration_fits_every_urdf_limit():
    channels = load_calibration(package_file("config", "servos.yaml"), ROBOT)
    assert set(channels) == set(ARM_JOINTS)
    for servo in channels.values():
        for angle in (servo.joint.lower, servo.joint.upper):
            assert servo.to_angle(servo.to_quarter_us(angle)) == pytest.approx(angle, abs=1e-3)


@pytest.mark.parametrize("joint", ARM_JOINTS)
def test_nothing_beyond_a_joint_limit_reaches_the_wire(joint):
    servo = load_calibration(package_file("config", "servos.yaml"), ROBOT)[joint]
    for angle in (servo.joint.upper + 0.01, servo.joint.lower - 0.01, math.nan):
        with pytest.raises(LimitError, match=joint):
            servo.to_quarter_us(angle)


def test_calibration_that_cannot_reach_a_limit_is_refused(tmp_path):
    text = package_file("config", "servos.yaml").read_text()
    bad = tmp_path / "servos.yaml"
    bad.write_text(text.replace("arm_base_yaw: {channel: 0, center_us: 1500",
                                "arm_base_yaw: {channel: 0, center_us: 1900"))  # fmt: skip
    with pytest.raises(LimitError, match="arm_base_yaw"):
        load_calibration(bad, ROBOT)


def test_every_movable_joint_has_velocity_and_effort_limits_and_bounds_unless_continuous():
    for joint in (j for j in ROBOT.joints.values() if j.movable):
        assert 0 < joint.velocity < math.inf and 0 < joint.effort < math.inf, joint.name
        if joint.type == "continuous":
            assert (joint.lower, joint.upper) == (-math.inf, math.inf), joint.name
        else:
            assert -math.inf < joint.lower < joint.upper < math.inf, joint.name


@pytest.mark.parametrize("frame", ["camera_depth_optical_frame", "camera_rgb_optical_frame"])
def test_kinect_optical_frames_look_along_z_as_rep_103_says(frame):
    joint = ROBOT.joint_by_child(frame)
    assert joint.origin_rpy == pytest.approx((-math.pi / 2, 0.0, -math.pi / 2), abs=1e-6)


def test_the_default_model_is_loaded_once_and_carries_its_urdf_text():
    assert load_robot() is load_robot(URDF) is ROBOT
    assert ROBOT.urdf_text == URDF.read_text()
