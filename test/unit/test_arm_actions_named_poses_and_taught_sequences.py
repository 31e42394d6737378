"""Named poses load from config/arm_poses.yaml within the URDF's limits, bad ones are refused
with the reason, and a taught sequence becomes one trajectory no faster than asked."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from terry.arm.kinematics import ArmKinematics
from terry.arm.poses import PoseError, check_pose, load_poses, sequence_points
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}


def test_shipped_poses_are_complete_and_rest_is_folded_over_the_base():
    poses = load_poses(package_file("config", "arm_poses.yaml"), JOINTS)
    assert {"rest", "home", "ready"} <= set(poses)
    kinematics = ArmKinematics.from_robot(load_robot())
    rest = poses["rest"]
    x, _, z, pitch = kinematics.forward(
        rest["arm_base_yaw"], rest["arm_shoulder"], rest["arm_elbow"], rest["arm_wrist"]
    )
    assert 0.0 < x < 0.15 and 0.05 < z < 0.12 and abs(pitch) < 0.01
    x, _, z, _ = kinematics.forward(*(poses["home"][n] for n in ARM_JOINTS[:4]))
    assert math.dist((x, z), (0.15, 0.12)) < 0.002  # arm_ik's start point


@pytest.mark.parametrize(
    ("name", "pose", "reason"),
    [
        ("Rest", {"arm_elbow": 0.0}, "lower-case"),
        ("bad name", {"arm_elbow": 0.0}, "lower-case"),
        ("knee", {"arm_knee": 0.0}, "unknown joints"),
        ("far", {"arm_elbow": 1e300}, "outside its URDF limits"),
        ("nan", {"arm_elbow": math.nan}, "position is nan"),
        ("text", {"arm_elbow": "up"}, "must be numbers"),
        ("empty", {}, "must map joint names"),
    ],
)
def test_bad_pose_is_refused_with_its_reason(name, pose, reason):
    with pytest.raises(PoseError, match=reason):
        check_pose(name, pose, JOINTS)


def test_pose_file_without_rest_or_with_a_bad_pose_is_refused(tmp_path):
    path = tmp_path / "poses.yaml"
    path.write_text("poses:\n  home: {arm_elbow: 0.0}\n  ready: {arm_elbow: 0.0}\n")
    with pytest.raises(PoseError, match="no pose named rest"):
        load_poses(path, JOINTS)
    path.write_text(path.read_text() + "  rest: {arm_elbow: 9.0}\n")
    with pytest.raises(PoseError, match=r"pose 'rest'.*outside its URDF limits"):
        load_poses(path, JOINTS)


def test_taught_sequence_is_one_trajectory_no_joint_faster_than_the_replay_speed():
    start = {"arm_shoulder": 1.5, "arm_elbow": -2.5, "arm_claw": 0.0}
    poses = [{"arm_shoulder": 1.0, "arm_elbow": -2.0}, {"arm_shoulder": 0.5, "arm_claw": 0.8}]
    names, points = sequence_points(start, poses, JOINTS, speed=0.5)
    assert names == ("arm_shoulder", "arm_elbow", "arm_claw")
    assert [p for _, p in points] == [(1.0, -2.0, 0.0), (0.5, -2.0, 0.8)]
    times = [0.0] + [t for t, _ in points]
    starts = [(1.5, -2.5, 0.0)] + [p for _, p in points[:-1]]
    for (t0, t1), a, (_, b) in zip(pairwise(times), starts, points, strict=True):
        peak = max(abs(y - x) for x, y in zip(a, b, strict=True)) / (t1 - t0) * math.pi / 2
        assert peak == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("start", "poses", "speed", "reason"),
    [
        ({"arm_elbow": 0.0}, [], 0.5, "record a pose first"),
        ({"arm_elbow": 0.0}, [{"arm_elbow": 0.1}], 0.0, "positive"),
        ({"arm_elbow": 0.0}, [{"arm_elbow": 0.1}], math.nan, "positive"),
        ({}, [{"arm_elbow": 0.1}], 0.5, "not known yet"),
    ],
)
def test_sequence_that_cannot_be_played_is_refused(start, poses, speed, reason):
    with pytest.raises(PoseError, match=reason):
        sequence_points(start, poses, JOINTS, speed)
