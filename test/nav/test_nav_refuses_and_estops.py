"""Navigation's refusals and its e-stop, end to end on the simulated robot (sim.launch
navigation:=true: map_server, the real amcl on the radar's scan with the Kinect sweeping,
move_base, depthimage_to_laserscan; odometry noise on), judged on what reaches the world: a goal
that cannot be reached ends ABORTED with a reason within a minute; the e-stop during a goal stops
the wheels within 0.3 s and the goal is not resumed when the e-stop is released. Short enough
for ./run test; the long tour of the rooms: test_nav_reaches_every_room_and_amcl_recovers.py.
"""

from __future__ import annotations

import time

import pytest
from fixtures.harness import Recorder, wait_for
from fixtures.overlay import needs_overlay
from navsim import ROOMS, bring_up, drive, goal

pytestmark = [needs_overlay, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def robot(ros_master, rospy_node, tmp_path_factory):
    with bring_up(ros_master, rospy_node, tmp_path_factory, navigation="true") as robot:
        yield robot


def test_unreachable_goal_is_aborted_with_a_reason_within_a_minute(robot):
    from actionlib_msgs.msg import GoalStatus

    start = time.monotonic()
    state, text, _ = drive(robot, -1.5, -2.0, 0.0, timeout=60)  # on the sofa
    assert state == GoalStatus.ABORTED, GoalStatus.to_string(state)
    assert "plan" in text.lower(), f"a reason, not {text!r}"
    assert time.monotonic() - start <= 60


def test_estop_during_a_goal_stops_the_base_at_once_and_the_goal_is_not_resumed(robot):
    from actionlib_msgs.msg import GoalStatus
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Bool

    rospy = robot.rospy
    wheels = Recorder("/sim/base/wheels", JointState)
    estop = rospy.Publisher("/estop", Bool, queue_size=1, latch=True)

    def moving() -> bool:
        last = wheels.snapshot()[-1:]
        return bool(last) and max(abs(v) for v in last[0].velocity) > 1.0

    try:
        robot.client.send_goal(goal(*ROOMS["kitchen"]))
        wait_for(lambda: robot.alive() and moving(), 120, "the base driving to the kitchen")
        pressed = rospy.Time.now()
        estop.publish(Bool(True))
        wait_for(lambda: not any(wheels.snapshot()[-1].velocity), 5, "the wheels to stop")
        stopped = next(
            m.header.stamp
            for m in wheels.snapshot()
            if m.header.stamp > pressed and not any(m.velocity)
        )
        assert (stopped - pressed).to_sec() <= 0.3, "the wheels must stop within 0.3 s"
        wait_for(lambda: robot.client.get_state() != GoalStatus.ACTIVE, 10, "the goal to end")
        assert robot.client.get_state() in (GoalStatus.PREEMPTED, GoalStatus.ABORTED)
        estop.publish(Bool(False))
        time.sleep(1.0)
        wheels.clear()
        time.sleep(3.0)
        assert not any(any(m.velocity) for m in wheels.snapshot()), "released: the base stays put"
    finally:
        estop.publish(Bool(False))
        estop.unregister()
        wheels.close()
