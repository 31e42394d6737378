"""End to end with a real master, the shim, the servo driver and its simulated Maestro: smoothing
switched by the service and by the live parameter while commands flow changes what reaches
/arm/joint_command and how the arm moves on /joint_states."""

from __future__ import annotations

import itertools
import math

import pytest
from fixtures.harness import wait_for
from fixtures.shim import ELBOW, MOVE_TIME, command, elbow

EDGE = 0.002  # share of the move that counts as not yet left / arrived


def middle_half_share(samples: list[tuple[float, float]], start: float, goal: float) -> float:
    """Share of the move covered in the middle half of its time (from leaving the start to
    arriving, each within EDGE of the distance): 0.5 for constant speed, 0.675 for the raised
    cosine."""
    shares = [(t, (p - start) / (goal - start)) for t, p in samples]
    leaving = max(t for t, share in shares if share <= EDGE)
    arriving = min(t for t, share in shares if share >= 1 - EDGE)
    moving = [(t, share) for t, share in shares if leaving < t < arriving]

    def share_at(time: float) -> float:
        points = [(leaving, 0.0), *moving]
        for (t0, s0), (t1, s1) in itertools.pairwise(points):
            if t0 <= time <= t1:
                return s0 + (s1 - s0) * (time - t0) / max(t1 - t0, 1e-9)
        return 1.0

    span = arriving - leaving
    return share_at(leaving + 0.75 * span) - share_at(leaving + 0.25 * span)


def move(rig, target: float):
    """Send one command from rest; what came out on /arm/joint_command and /joint_states."""
    _, commands, output, states, _ = rig
    start = elbow(states.snapshot()[-1])
    output.clear()
    states.clear()
    commands.publish(command(target))
    wait_for(
        lambda: any(abs(elbow(m) - target) < 1e-3 * abs(target - start) for m in states.snapshot()),
        30,
        f"elbow at {target}",
    )
    states.wait_count(len(states.snapshot()) + 5)
    samples = [(m.header.stamp.to_sec(), elbow(m)) for m in states.snapshot()]
    return start, output.snapshot(), samples


def check_smoothed(start, sent, samples, target):
    assert len(sent) > MOVE_TIME * 25, len(sent)  # streamed at about 50 Hz
    assert all(len(m.points) == 1 and m.points[0].velocities for m in sent)
    speeds = [m.points[0].velocities[m.joint_names.index(ELBOW)] for m in sent]
    peak = math.pi / 2 * abs(target - start) / MOVE_TIME
    assert max(abs(v) for v in speeds) == pytest.approx(peak, rel=0.05)
    assert abs(speeds[0]) < 0.2 * peak and abs(speeds[-1]) < 0.2 * peak  # from and to rest
    share = middle_half_share(samples, start, target)
    assert share > 0.6, (share, samples)


def check_passed_through(start, sent, samples, target):
    assert len(sent) == 1, [m.points for m in sent]
    (point,) = sent[0].points
    assert sent[0].joint_names == [ELBOW] and list(point.positions) == [target]
    assert point.time_from_start.to_sec() == pytest.approx(MOVE_TIME) and not point.velocities
    share = middle_half_share(samples, start, target)
    assert share < 0.56, (share, samples)


def switched(rig, smoothed: bool) -> None:
    """Keep commanding 'stay where you are' until the output shows the new setting."""
    rospy, commands, output, states, _ = rig
    here = elbow(states.snapshot()[-1])

    def shows() -> bool:
        output.clear()
        commands.publish(command(here, 0.2))
        rospy.sleep(0.3)
        return any(bool(m.points[0].velocities) == smoothed for m in output.snapshot())

    wait_for(shows, 20, f"smoothing {'on' if smoothed else 'off'} on /arm/joint_command")
    wait_for(lambda: not rospy.sleep(0.5) and states.snapshot(), 5, "the arm settled")


def test_service_and_parameter_switch_smoothing_while_commands_flow(rig):
    rospy, *_, set_enabled = rig
    check_smoothed(*_unpack(move(rig, -1.0), -1.0))

    reply = set_enabled(False)
    assert reply.success and "off" in reply.message
    assert rospy.get_param("/smooth_shim/enabled") is False  # the service keeps the param in step
    switched(rig, smoothed=False)
    check_passed_through(*_unpack(move(rig, 0.0), 0.0))

    rospy.set_param("/smooth_shim/enabled", True)
    switched(rig, smoothed=True)
    check_smoothed(*_unpack(move(rig, -1.0), -1.0))

    rospy.set_param("/smooth_shim/enabled", False)
    switched(rig, smoothed=False)
    check_passed_through(*_unpack(move(rig, 0.0), 0.0))

    assert set_enabled(True).success
    switched(rig, smoothed=True)
    check_smoothed(*_unpack(move(rig, -1.0), -1.0))


def _unpack(moved, target):
    start, sent, samples = moved
    return start, sent, samples, target
