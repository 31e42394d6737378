"""Property tests of the closed-form IK: exact round trips, limits never exceeded, explicit
refusals, one branch only, and the batch path agreeing with the single one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from terry.arm.kinematics import PITCH_JOINTS, ArmKinematics, Status
from terry.model import ARM_JOINTS, load_robot

ARM = ArmKinematics.from_robot(load_robot())
coordinate = st.floats(-0.35, 0.35, allow_nan=False)
claw = st.floats(0.0, 1.0)
pitch = st.floats(-0.6, 0.6)
joint_values = st.tuples(
    *(st.floats(ARM.limits[n].lower, ARM.limits[n].upper) for n in PITCH_JOINTS)
)


def within_limits(joints: dict[str, float]) -> bool:
    return all(ARM.limits[n].within_limits(v) for n, v in joints.items())


@given(joint_values)
def test_ik_of_fk_returns_to_the_same_point(q):
    x, y, z, gripper_pitch = ARM.forward(*q)
    assume(math.hypot(x, y) > 1e-3)
    result = ARM.solve(x, y, z, pitch=gripper_pitch)
    radial = x * math.cos(q[0]) + y * math.sin(q[0])
    if q[2] <= 0.0 and radial > 1e-3:  # elbow up, facing the target: the IK's one branch
        assert result.ok, result.reason
        assert [result.joints[n] for n in PITCH_JOINTS] == pytest.approx(q, abs=1e-6)
    if result.ok:  # elbow down may have no elbow-up twin within the limits: that is refused
        reached = ARM.forward(*(result.joints[n] for n in PITCH_JOINTS))
        assert math.dist(reached[:3], (x, y, z)) < 1e-9
        assert reached[3] == pytest.approx(gripper_pitch, abs=1e-9)
    else:
        assert result.status in (Status.JOINT_LIMIT, Status.OUT_OF_REACH)


@given(coordinate, coordinate, coordinate, claw, pitch)
def test_every_answer_is_exact_within_limits_or_an_explained_refusal(x, y, z, c, p):
    result = ARM.solve(x, y, z, claw=c, pitch=p)
    if result.ok:
        assert set(result.joints) == set(ARM_JOINTS)
        assert within_limits(result.joints)
        fx, fy, fz, fp = ARM.forward(*(result.joints[n] for n in PITCH_JOINTS))
        assert math.dist((fx, fy, fz), (x, y, z)) < 1e-9
        assert fp == pytest.approx(p, abs=1e-12)
    else:
        assert result.reason and not result.joints


@given(coordinate, coordinate, coordinate, claw)
def test_nearest_mode_always_lands_within_limits_and_says_what_changed(x, y, z, c):
    assume(math.hypot(x, y) > 1e-3)
    result = ARM.solve(x, y, z, claw=c, nearest=True)
    assert result.ok and within_limits(result.joints)
    strict = ARM.solve(x, y, z, claw=c)
    if strict.ok:
        assert result.adjusted is None and result.joints == strict.joints
    else:
        assert result.adjusted is not None and "moved the target" in result.reason
        reached = ARM.forward(*(result.joints[n] for n in PITCH_JOINTS))[:3]
        assert math.dist(reached, result.adjusted) < 1e-9


def reachable_level_points() -> np.ndarray:
    """Gripper points of a dense grid of elbow-up poses that hold the gripper level."""
    axes = [np.linspace(ARM.limits[n].lower, ARM.limits[n].upper, 61) for n in PITCH_JOINTS[:3]]
    yaw, shoulder, elbow = (a.ravel() for a in np.meshgrid(*axes))
    q = np.stack([yaw, shoulder, elbow, -shoulder - elbow], axis=1)
    wrist = ARM.limits["arm_wrist"]
    q = q[(elbow <= 0) & (q[:, 3] >= wrist.lower) & (q[:, 3] <= wrist.upper)]
    return ARM.forward_batch(q)[:, :3]


REACHABLE = reachable_level_points()


@given(coordinate, coordinate, coordinate)
def test_nearest_mode_finds_no_worse_point_than_any_reachable_pose(x, y, z):
    result = ARM.solve(x, y, z, nearest=True)
    assume(result.ok)
    reached = ARM.forward(*(result.joints[n] for n in PITCH_JOINTS))
    assert reached[3] == pytest.approx(0.0, abs=1e-9)  # still level
    best_sampled = np.linalg.norm(REACHABLE - (x, y, z), axis=1).min()
    assert math.dist(reached[:3], (x, y, z)) <= best_sampled + 1e-6


@given(joint_values, st.floats(-1e-3, 1e-3), st.floats(-1e-3, 1e-3), st.floats(-1e-3, 1e-3))
def test_nearby_targets_give_nearby_joints(q, dx, dy, dz):
    x, y, z, _ = ARM.forward(*q)
    a = ARM.solve(x, y, z)
    b = ARM.solve(x + dx, y + dy, z + dz)
    assume(a.ok and b.ok and math.hypot(x, y) > 0.03)
    # Stretched out straight, the elbow moves as the square root of the distance (a 1 mm step
    # in from full reach turns it 0.2 rad): that singularity is no branch flip, leave it out.
    assume(
        max(wrist_distance(x, y, z), wrist_distance(x + dx, y + dy, z + dz)) < ARM.reach_max - 5e-3
    )
    # one branch only: a millimetre never flips the elbow (no jump of more than a few degrees)
    assert max(abs(a.joints[n] - b.joints[n]) for n in PITCH_JOINTS) < 0.1


def wrist_distance(x: float, y: float, z: float) -> float:
    """The wrist axis's distance from the shoulder axis for a level gripper at (x, y, z)."""
    g = ARM.geometry
    return math.hypot(math.hypot(x, y) - g.shoulder_reach - g.hand, z - g.shoulder_height)


@pytest.mark.parametrize(
    "bad",
    [(math.nan, 0.1, 0.1), (0.1, math.inf, 0.1), (0.1, 0.1, -math.inf)],
    ids=["nan", "inf", "-inf"],
)
def test_non_finite_target_raises_and_gives_no_joints(bad):
    with pytest.raises(ValueError, match="finite"):
        ARM.solve(*bad)


@pytest.mark.parametrize("opening", [-0.1, 1.5, math.nan])
def test_claw_outside_zero_to_one_is_refused(opening):
    with pytest.raises(ValueError, match="claw"):
        ARM.solve(0.15, 0.0, 0.1, claw=opening)


@pytest.mark.parametrize(
    ("target", "status", "words"),
    [
        ((0.6, 0.0, 0.1), Status.OUT_OF_REACH, "reaches"),
        ((0.0, 0.0, 0.2), Status.ON_YAW_AXIS, "yaw axis"),
        ((-0.1, 0.01, 0.1), Status.JOINT_LIMIT, "arm_base_yaw"),
    ],
)
def test_refusals_name_the_cause(target, status, words):
    result = ARM.solve(*target)
    assert result.status is status and words in result.reason and not result.joints


@settings(max_examples=20)
@given(st.integers(1, 500), pitch)
def test_batch_agrees_with_single_solves(count, p):
    points = np.random.default_rng(count).uniform(-0.3, 0.3, (count, 3))
    q, status = ARM.solve_batch(points, pitch=p)
    for row, code, point in zip(q, status, points, strict=True):
        single = ARM.solve(*point, pitch=p)
        assert Status(code) is single.status
        if single.ok:
            assert np.allclose(row, [single.joints[n] for n in PITCH_JOINTS], atol=1e-12)
        else:
            assert np.isnan(row).all()
    fk = ARM.forward_batch(np.nan_to_num(q))
    ok = status == Status.OK
    assert np.abs(fk[ok, :3] - points[ok]).max(initial=0) < 1e-9


def test_batch_refuses_malformed_input():
    with pytest.raises(ValueError, match="shape"):
        ARM.solve_batch(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="finite"):
        ARM.solve_batch(np.array([[0.1, np.nan, 0.1]]))
