"""The shim on a real master: /estop stops the stream at once (no slow stop) and refuses
commands until released, after which motion starts from where the arm is; bad commands send
nothing and the shim keeps working."""

from __future__ import annotations

import math

import pytest
from fixtures.harness import wait_for
from fixtures.shim import ELBOW, command, elbow


def test_estop_stops_the_stream_at_once_and_release_restarts_from_the_arm(rig):
    from std_msgs.msg import Bool

    rospy, commands, output, states, _ = rig
    estop = rospy.Publisher("/estop", Bool, queue_size=1, latch=True)
    commands.publish(command(-2.0, 4.0))
    wait_for(lambda: elbow(states.snapshot()[-1]) < -0.3, 30, "the elbow on its way")
    estop.publish(Bool(True))
    wait_for(lambda: not rospy.sleep(0.3) and _quiet(output, 0.5), 20, "the stream stopped")
    held = elbow(states.snapshot()[-1])
    assert held > -1.5  # stopped part way, not eased on to the target
    output.clear()
    commands.publish(command(0.0, 1.0))
    rospy.sleep(1.0)
    assert not output.snapshot()  # refused while the e-stop is engaged
    assert elbow(states.snapshot()[-1]) == pytest.approx(held, abs=0.01)

    estop.publish(Bool(False))
    rospy.sleep(0.5)
    output.clear()
    commands.publish(command(0.0, 1.0))
    first = output.wait_count(1, timeout=20)[0]
    assert first.points[0].positions[first.joint_names.index(ELBOW)] == pytest.approx(
        held, abs=0.05
    )  # from where the arm stopped, not from where the old plan would be
    wait_for(lambda: abs(elbow(states.snapshot()[-1])) < 0.01, 30, "the elbow back at 0")
    estop.unregister()


def _quiet(recorder, period: float) -> bool:
    """Nothing published on the recorder's topic for `period` s."""
    import time

    recorder.clear()
    time.sleep(period)
    return not recorder.snapshot()


@pytest.mark.parametrize(
    "fields",
    [
        {"joint_names": ["arm_knee"], "positions": [0.3]},
        {"joint_names": [ELBOW], "positions": [0.3, 0.2]},
        {"joint_names": [ELBOW], "positions": [math.nan]},
        {"joint_names": [ELBOW], "positions": [5.0]},
        {"joint_names": [ELBOW], "positions": [-0.3], "times": [1.0, 1.0]},
    ],
    ids=["unknown joint", "length mismatch", "NaN", "beyond limit", "non-increasing times"],
)
def test_bad_command_sends_nothing_and_the_shim_keeps_running(rig, fields):
    from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

    rospy, commands, output, states, _ = rig
    times = fields.get("times", [1.0])
    bad = JointTrajectory(
        joint_names=fields["joint_names"],
        points=[
            JointTrajectoryPoint(positions=fields["positions"], time_from_start=rospy.Duration(t))
            for t in times
        ],
    )
    before = elbow(states.snapshot()[-1])
    output.clear()
    commands.publish(bad)
    rospy.sleep(1.0)
    assert not output.snapshot()
    assert elbow(states.snapshot()[-1]) == pytest.approx(before, abs=0.01)
    commands.publish(command(-0.4, 0.5))  # and a good one still works
    wait_for(lambda: abs(elbow(states.snapshot()[-1]) + 0.4) < 0.01, 30, "the elbow at -0.4")
