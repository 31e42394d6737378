"""Property tests of the timing module: every plan, and every splice onto a running plan, is
continuous in position and velocity, exact at its waypoints and within the URDF's limits."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terry.arm.smoothing import MODES, PASS_THROUGH, STOP, Plan, Smoother, parse_command
from terry.model import ARM_JOINTS, load_robot

ROBOT = load_robot()
JOINTS = {name: ROBOT.joint(name) for name in ARM_JOINTS}
SMOOTHER = Smoother(JOINTS)
STEP = 1e-3  # s between samples
EPS = 1e-9


def within(name: str, fraction: float) -> float:
    spec = JOINTS[name]
    return spec.lower + fraction * (spec.upper - spec.lower)


fractions = st.floats(0.0, 1.0)
poses = st.lists(fractions, min_size=len(ARM_JOINTS), max_size=len(ARM_JOINTS)).map(
    lambda f: [within(n, x) for n, x in zip(ARM_JOINTS, f, strict=True)]
)


@st.composite
def commands(draw):
    """1-4 points for a random subset of the joints, timed (sometimes too fast) or untimed."""
    names = draw(st.lists(st.sampled_from(ARM_JOINTS), min_size=1, max_size=5, unique=True))
    count = draw(st.integers(1, 4))
    points = [draw(poses) for _ in range(count)]
    timed = draw(st.booleans()) or count > 1
    gaps = draw(st.lists(st.floats(0.01, 2.0), min_size=count, max_size=count))
    times = [sum(gaps[: i + 1]) if timed else 0.0 for i in range(count)]
    chosen = [[p[ARM_JOINTS.index(n)] for n in names] for p in points]
    return parse_command(names, list(zip(times, chosen, strict=True)), JOINTS)


@st.composite
def running_plans(draw):
    """A plan from rest, sometimes spliced onto by a second command part way through."""
    plan = SMOOTHER.splice(
        SMOOTHER.hold(0.0, dict(zip(ARM_JOINTS, draw(poses), strict=True))),
        0.0,
        draw(commands()),
        draw(st.sampled_from(MODES)),
    )
    return plan


def samples(plan: Plan):
    count = math.ceil((plan.end - plan.start) / STEP) + 2
    return [(plan.start + i * STEP, *plan.sample(plan.start + i * STEP)) for i in range(count)]


def check_within_limits_and_continuous(plan: Plan) -> None:
    previous = None
    for _, positions, velocities in samples(plan):
        for name, p, v in zip(plan.names, positions, velocities, strict=True):
            spec = JOINTS[name]
            assert spec.lower - EPS <= p <= spec.upper + EPS, (name, p)
            assert abs(v) <= spec.velocity * (1 + 1e-9) + EPS, (name, v)
        if previous is not None:
            for name, p, q in zip(plan.names, positions, previous, strict=True):
                assert abs(p - q) <= JOINTS[name].velocity * STEP * (1 + 1e-6) + EPS
        previous = positions


@settings(max_examples=60, deadline=None)
@given(start=poses, command=commands(), mode=st.sampled_from(MODES))
def test_plan_ends_exactly_at_each_waypoint_within_limits(start, command, mode):
    plan = SMOOTHER.splice(
        SMOOTHER.hold(0.0, dict(zip(ARM_JOINTS, start, strict=True))), 0.0, command, mode
    )
    assert plan.sample(0.0)[0] == pytest.approx(start, abs=EPS)
    assert plan.sample(0.0)[1] == [0.0] * len(ARM_JOINTS)
    for segment, point in zip(plan.segments, command.points, strict=True):
        reached = segment.sample(segment.end)[0]
        for name, value in zip(command.names, point, strict=True):
            assert reached[ARM_JOINTS.index(name)] == pytest.approx(value, abs=1e-9)
    assert plan.sample(plan.end + 1.0)[1] == [0.0] * len(ARM_JOINTS)
    check_within_limits_and_continuous(plan)


@settings(max_examples=60, deadline=None)
@given(start=poses, command=commands(), mode=st.sampled_from(MODES))
def test_time_is_monotonic_and_honours_requested_times(start, command, mode):
    plan = SMOOTHER.splice(
        SMOOTHER.hold(0.0, dict(zip(ARM_JOINTS, start, strict=True))), 0.0, command, mode
    )
    begin = plan.start
    for segment, wanted in zip(plan.segments, command.times, strict=True):
        assert segment.start == pytest.approx(begin)
        assert segment.duration > 0
        if wanted is not None:  # never sooner than asked; later only where a limit forces it
            assert segment.end >= wanted - 1e-9
        begin = segment.end


@settings(max_examples=60, deadline=None)
@given(start=poses, command=commands())
def test_stop_mode_rests_at_every_waypoint(start, command):
    plan = SMOOTHER.splice(
        SMOOTHER.hold(0.0, dict(zip(ARM_JOINTS, start, strict=True))), 0.0, command, STOP
    )
    for segment in plan.segments:
        for time in (segment.start, segment.end):
            assert segment.sample(time)[1] == pytest.approx([0.0] * len(ARM_JOINTS), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(plan=running_plans(), when=fractions, command=commands(), mode=st.sampled_from(MODES))
def test_retarget_continues_position_and_velocity(plan, when, command, mode):
    time = plan.start + when * (plan.end - plan.start)
    spliced = SMOOTHER.splice(plan, time, command, mode)
    before, after = plan.sample(time), spliced.sample(time)
    assert after[0] == pytest.approx(before[0], abs=1e-12)
    assert after[1] == pytest.approx(before[1], abs=1e-12)
    for segment in spliced.segments:  # and no jump inside the new plan either
        end = segment.end
        nearly, there = segment.sample(end - 1e-7), spliced.sample(end + 1e-7)
        assert there[0] == pytest.approx(nearly[0], abs=1e-5)
        assert there[1] == pytest.approx(nearly[1], abs=1e-4)
    check_within_limits_and_continuous(spliced)


@settings(max_examples=40, deadline=None)
@given(plan=running_plans(), when=fractions, command=commands(), mode=st.sampled_from(MODES))
def test_jerk_is_bounded(plan, when, command, mode):
    """Inside each segment jerk stays below (pi / T)^2 * amplitude; from rest the acceleration
    limit holds, so that is at most pi * max_acceleration / T. (A splice that must stop short of
    a joint limit may brake harder than max_acceleration: limits come first.)"""
    for segment in plan.segments:
        assert segment.jerk_bound() <= math.pi * SMOOTHER.max_acceleration / segment.duration * (
            1 + 1e-9
        )
    spliced = SMOOTHER.splice(plan, plan.start + when * (plan.end - plan.start), command, mode)
    h = 1e-3
    for segment in (*plan.segments, *spliced.segments):
        if segment.duration < 8 * h:
            continue
        bound = segment.jerk_bound()
        for k in range(1, 6):
            t = segment.start + k * (segment.duration - 3 * h) / 6 + h
            p = [segment.sample(t + i * h)[0] for i in range(-1, 3)]
            for j in range(len(ARM_JOINTS)):
                jerk = (p[3][j] - 3 * p[2][j] + 3 * p[1][j] - p[0][j]) / h**3
                assert abs(jerk) <= bound * 1.05 + 1e-3


@pytest.mark.parametrize("mode", MODES)
def test_untimed_move_goes_at_the_slowest_joints_limit_and_all_arrive_together(mode):
    start = SMOOTHER.hold(0.0, {"arm_shoulder": -0.4, "arm_elbow": 0.3, "arm_claw": 0.1})
    command = parse_command(
        ["arm_shoulder", "arm_elbow", "arm_claw"], [(0.0, [2.4, -0.7, 0.5])], JOINTS
    )
    plan = SMOOTHER.splice(start, 0.0, command, mode)
    motion = samples(plan)
    peak = max(abs(v[ARM_JOINTS.index("arm_shoulder")]) for _, _, v in motion)
    assert peak == pytest.approx(JOINTS["arm_shoulder"].velocity, rel=1e-3)
    assert max(abs(v[ARM_JOINTS.index("arm_elbow")]) for _, _, v in motion) < peak
    almost = plan.sample(plan.end - 0.05)[0]
    for name, goal in zip(command.names, command.points[0], strict=True):
        assert abs(almost[ARM_JOINTS.index(name)] - goal) > 1e-4  # none arrives early


def test_timed_points_keep_their_times_when_the_limits_allow():
    command = parse_command(["arm_elbow"], [(1.0, [-0.5]), (2.5, [0.2]), (3.0, [0.3])], JOINTS)
    plan = SMOOTHER.splice(SMOOTHER.hold(0.0, {}), 0.0, command, PASS_THROUGH)
    assert [s.end for s in plan.segments] == pytest.approx([1.0, 2.5, 3.0])
    # passing through: the arm keeps moving at the waypoint at 2.5 s instead of stopping there
    assert plan.sample(2.5)[1][ARM_JOINTS.index("arm_elbow")] > 0.05
