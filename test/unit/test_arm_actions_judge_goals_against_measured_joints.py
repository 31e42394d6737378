"""FollowJointTrajectory goals: refused with control_msgs' code and a reason, then judged against
the measured joints (path, goal and goal time tolerances); the claw's reach, stall and squeeze."""

from __future__ import annotations

import math

import pytest

from terry.arm.actions import (
    GOAL_TOLERANCE_VIOLATED,
    INVALID_GOAL,
    INVALID_JOINTS,
    PATH_TOLERANCE_VIOLATED,
    SUCCESSFUL,
    ClawMonitor,
    GoalMonitor,
    GoalRefused,
    Tolerance,
    linear_reference,
    parse_goal,
    smoothed_reference,
    squeeze_target,
    stopping_point,
)
from terry.arm.smoothing import PASS_THROUGH, Smoother
from terry.model import ARM_JOINTS, load_robot

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}
DEFAULTS = ({}, {n: Tolerance(0.02) for n in JOINTS}, 0.5)
START = {"arm_base_yaw": 0.0, "arm_shoulder": 1.5, "arm_elbow": -2.5, "arm_wrist": 1.0,
         "arm_claw": 0.0}  # fmt: skip


def goal(points, names=("arm_shoulder",), path=(), tolerance=(), goal_time=0.0):
    return parse_goal(list(names), points, path, tolerance, goal_time, JOINTS, DEFAULTS)


@pytest.mark.parametrize(
    ("names", "points", "path", "goal_time", "code", "reason"),
    [
        (["arm_knee"], [(1.0, [0.1])], (), 0.0, INVALID_JOINTS, "unknown joints"),
        ([], [(1.0, [])], (), 0.0, INVALID_JOINTS, "names no joints"),
        (["arm_elbow"], [], (), 0.0, INVALID_GOAL, "no points"),
        (["arm_elbow"], [(1.0, [0.1]), (1.0, [0.2])], (), 0.0, INVALID_GOAL, "must increase"),
        (["arm_elbow"], [(0.0, [0.1]), (0.0, [0.2])], (), 0.0, INVALID_GOAL, "need times"),
        (["arm_elbow"], [(math.nan, [0.1])], (), 0.0, INVALID_GOAL, "finite"),
        (["arm_elbow"], [(1.0, [math.inf])], (), 0.0, INVALID_GOAL, "position is inf"),
        (["arm_elbow"], [(1.0, [1e300])], (), 0.0, INVALID_GOAL, "outside its URDF limits"),
        (["arm_elbow"], [(1.0, [0.1, 0.2])], (), 0.0, INVALID_GOAL, "2 positions for 1"),
        (["arm_elbow"], [(1.0, [0.1])], (), -1.0, INVALID_GOAL, "goal_time_tolerance"),
        (["arm_elbow"], [(1.0, [0.1])], [("arm_wrist", 0.1, 0)], 0, INVALID_GOAL, "not move"),
        (["arm_elbow"], [(1.0, [0.1])], [("arm_elbow", math.nan, 0)], 0, INVALID_GOAL, "finite"),
    ],
)
def test_bad_goal_is_refused_with_its_code_and_reason(names, points, path, goal_time, code, reason):
    with pytest.raises(GoalRefused, match=reason) as refused:
        parse_goal(names, points, path, (), goal_time, JOINTS, DEFAULTS)
    assert refused.value.code == code


def test_tolerances_follow_joint_tolerance_conventions():
    parsed = goal(
        [(1.0, [0.1, -0.2])],
        names=("arm_shoulder", "arm_elbow"),
        path=[("arm_shoulder", 0.1, 0.0)],
        tolerance=[("arm_shoulder", -1.0, 0.3), ("arm_elbow", 0.0, 0.0)],
    )
    assert parsed.path["arm_shoulder"].position == 0.1  # > 0: this bound
    assert parsed.path["arm_elbow"].position == math.inf  # server default: none on the path
    assert parsed.goal["arm_shoulder"] == Tolerance(math.inf, 0.3)  # < 0: no check
    assert parsed.goal["arm_elbow"] == Tolerance(0.02)  # 0: the default
    assert parsed.goal_time == 0.5


def follow(parsed, measure, until=10.0, smoothing=True):
    """Run a monitor at 50 Hz with measure(t, desired) -> measured positions; its verdict."""
    if smoothing:
        _, reference = smoothed_reference(Smoother(JOINTS), PASS_THROUGH, None, 0.0, START, parsed)
    else:
        reference = linear_reference(JOINTS, 0.0, START, parsed)
    monitor = GoalMonitor(parsed, 0.0, reference)
    for step in range(int(until * 50)):
        t = step / 50
        measured = {**START, **measure(t, reference.sample(t))}
        verdict = monitor.check(t, measured, dict.fromkeys(measured, 0.0))
        if verdict:
            return t, verdict
    raise AssertionError("no verdict")


@pytest.mark.parametrize("smoothing", [True, False])
def test_arm_that_follows_its_reference_succeeds_at_the_trajectory_end(smoothing):
    parsed = goal([(1.0, [1.0]), (2.0, [0.5])], path=[("arm_shoulder", 0.05, 0)])
    t, verdict = follow(parsed, lambda t, desired: desired, smoothing=smoothing)
    assert verdict.code == SUCCESSFUL
    assert 2.0 <= t < 2.1


def test_stalled_joint_violates_the_path_tolerance_and_names_the_joint():
    parsed = goal([(2.0, [0.5])], path=[("arm_shoulder", 0.1, 0)])
    t, verdict = follow(
        parsed, lambda t, desired: {"arm_shoulder": max(1.3, desired["arm_shoulder"])}
    )
    assert verdict.code == PATH_TOLERANCE_VIOLATED
    assert "arm_shoulder" in verdict.reason and "measured 1.300" in verdict.reason
    assert t < 2.0


def test_arm_slower_than_asked_violates_the_goal_tolerance_after_the_goal_time():
    parsed = goal([(0.5, [0.5])], goal_time=0.1)  # 1 rad in 0.5 s: the servos need 0.79 s
    t, verdict = follow(parsed, lambda t, desired: desired)
    assert verdict.code == GOAL_TOLERANCE_VIOLATED
    assert "arm_shoulder is" in verdict.reason and "goal_time_tolerance 0.10 s" in verdict.reason
    assert 0.6 < t < 0.7


def test_late_arrival_within_the_goal_time_succeeds():
    parsed = goal([(1.0, [1.0])], goal_time=1.0)
    late = {"arm_shoulder": 1.3}
    t, verdict = follow(parsed, lambda t, desired: late if t < 1.5 else {"arm_shoulder": 1.0})
    assert verdict.code == SUCCESSFUL and 1.5 <= t < 1.55


def test_untimed_goal_ends_when_its_reference_does():
    parsed = goal([(0.0, [0.5])])
    t, verdict = follow(parsed, lambda t, desired: desired)
    assert verdict.code == SUCCESSFUL
    assert t > 0.5  # 1 rad at up to 2 rad/s on a sinusoid


def test_preempting_goal_splices_onto_the_running_plan_without_a_jump():
    smoother = Smoother(JOINTS)
    first = goal([(2.0, [0.5])])
    plan, _ = smoothed_reference(smoother, PASS_THROUGH, None, 0.0, START, first)
    second = goal([(1.0, [1.4])])
    spliced, reference = smoothed_reference(smoother, PASS_THROUGH, plan, 1.0, START, second)
    index = plan.names.index("arm_shoulder")
    before, speed = plan.sample(1.0)[0][index], plan.sample(1.0)[1][index]
    assert reference.sample(1.0)["arm_shoulder"] == pytest.approx(before)
    assert spliced.sample(1.0)[1][index] == pytest.approx(speed)  # velocity carried over


def test_stopping_point_brakes_every_joint_together_within_limits():
    stop, duration = stopping_point(
        {"arm_shoulder": 1.0, "arm_wrist": 0.0, "arm_elbow": 0.45},
        {"arm_shoulder": -2.0, "arm_wrist": 0.5, "arm_elbow": 1.0},
        JOINTS, 8.0,
    )  # fmt: skip
    assert duration == pytest.approx(math.pi * 2.0 / 16)  # the fastest joint at 8 rad/s^2
    assert stop["arm_shoulder"] == pytest.approx(1.0 - 2.0 * duration / 2)
    assert stop["arm_wrist"] == pytest.approx(0.5 * duration / 2)  # slower: same time
    assert stop["arm_elbow"] == JOINTS["arm_elbow"].upper
    assert stopping_point({"arm_wrist": 0.3}, {}, JOINTS, 8.0) == ({"arm_wrist": 0.3}, 0.0)


def test_claw_reaches_its_target_or_stalls_when_it_stops_short_with_the_command_ahead():
    claw = ClawMonitor(target=0.0, tolerance=0.02, stall_time=0.3, motion=0.005)
    assert not claw.stalled(0.0, 0.8, 0.8)  # not started yet: no history
    assert not claw.stalled(0.2, 0.8, 0.7)  # command moving, claw about to follow
    assert not claw.stalled(0.4, 0.6, 0.4)  # moving
    for t in (0.5, 0.6, 0.7):
        assert not claw.stalled(t, 0.4, 0.1)  # stopped, not yet for 0.3 s
    assert claw.stalled(0.85, 0.4, 0.0)  # stopped 0.35 s with the command ahead
    assert not claw.stalled(1.2, 0.0, 0.0)  # got there after all
    assert not claw.reached(0.4) and claw.reached(0.01)


def test_stalled_claw_is_squeezed_with_the_effort_asked_and_no_more_than_the_urdf_allows():
    spec = JOINTS["arm_claw"]
    command, effort = squeeze_target(0.4, 0.0, 0.1, spec, stiffness=2.0)
    assert command == pytest.approx(0.35) and effort == pytest.approx(0.1)
    command, effort = squeeze_target(0.4, 0.0, 100.0, spec, stiffness=2.0)
    assert command == pytest.approx(0.15) and effort == pytest.approx(spec.effort)
    command, effort = squeeze_target(0.1, 0.0, 0.0, spec, stiffness=2.0)
    assert command == 0.0 and effort == pytest.approx(0.2)  # never past the target
