"""Navigation end to end on the simulated robot (sim.launch navigation:=true: map_server with the
world's map, the real amcl on the radar's full-circle scan with the Kinect sweeping, move_base,
depthimage_to_laserscan; odometry noise on), judged on the world's ground truth: goals in every
room are reached within 0.3 m, never nearer a wall than the base's footprint, and amcl ends
within 0.15 m of the truth; amcl recovers from an initial pose 0.5 m and 30 degrees off; a goal
that cannot be reached ends ABORTED with a reason within a minute; the e-stop during a goal
stops the wheels within 0.3 s and the goal is not resumed when the e-stop is released.
"""

from __future__ import annotations

import math
import time

import pytest
from fixtures.harness import Recorder, wait_for
from fixtures.overlay import needs_overlay
from navsim import FOOTPRINT, angle_diff, bring_up, clearance, goal, pose_of

pytestmark = [needs_overlay, pytest.mark.nav_scenario, pytest.mark.timeout(1200)]

# room: a goal (x, y, yaw) in the map, in the order a tour of the apartment visits them
ROOMS = {
    "kitchen": (4.6, 0.4, 0.0),
    "hallway": (6.0, 2.3, math.pi),
    "bathroom": (3.9, 3.8, math.pi / 2),
    "bedroom": (0.0, 2.5, math.pi),
    "living room": (-0.5, -0.5, -math.pi / 2),
}
GOAL_TIME = 240  # s for one room to the next, on a loaded two-core machine


@pytest.fixture(scope="module")
def robot(ros_master, rospy_node, tmp_path_factory):
    with bring_up(ros_master, rospy_node, tmp_path_factory, navigation="true") as robot:
        yield robot


def drive(robot, x: float, y: float, yaw: float, timeout: float = GOAL_TIME):
    """Send a goal and wait for its end; the goal's state, its text and the true path."""
    robot.truth.clear()
    robot.client.send_goal(goal(x, y, yaw))
    wait_for(
        lambda: robot.alive() and robot.client.wait_for_result(robot.rospy.Duration(1.0)),
        timeout,
        f"move_base's result for ({x}, {y})",
    )
    path = [pose_of(m) for m in robot.truth.snapshot()]
    return robot.client.get_state(), robot.client.get_goal_status_text(), path


def test_goals_in_every_room_are_reached_clear_of_walls_and_amcl_keeps_up(robot):
    from actionlib_msgs.msg import GoalStatus

    for room, (x, y, yaw) in ROOMS.items():
        state, text, path = drive(robot, x, y, yaw)
        assert state == GoalStatus.SUCCEEDED, f"{room}: {GoalStatus.to_string(state)} {text!r}"
        end = robot.true_pose()
        assert math.hypot(end.x - x, end.y - y) <= 0.3, f"{room}: ended at {end}"
        assert clearance(path) >= FOOTPRINT, f"{room}: the base came nearer a wall than its size"
        assert robot.localisation_error() <= 0.15, f"{room}: amcl is off the truth"


def test_amcl_recovers_from_a_start_pose_half_a_metre_and_30_degrees_off(robot):
    from geometry_msgs.msg import PoseWithCovarianceStamped

    true = robot.true_pose()
    wrong = PoseWithCovarianceStamped()
    wrong.header.frame_id, wrong.header.stamp = "map", robot.rospy.Time.now()
    heading = true.yaw + math.radians(30)
    wrong.pose.pose.position.x = true.x + 0.5 * math.cos(1.0)
    wrong.pose.pose.position.y = true.y + 0.5 * math.sin(1.0)
    wrong.pose.pose.orientation.z, wrong.pose.pose.orientation.w = (
        math.sin(heading / 2),
        math.cos(heading / 2),
    )
    wrong.pose.covariance[0] = wrong.pose.covariance[7] = 0.25  # rviz's 2D Pose Estimate
    wrong.pose.covariance[35] = 0.0685
    publisher = robot.rospy.Publisher("/initialpose", PoseWithCovarianceStamped, queue_size=1)
    wait_for(lambda: publisher.get_num_connections() > 0, 30, "amcl on /initialpose")
    publisher.publish(wrong)
    wait_for(lambda: robot.localisation_error() > 0.3, 30, "amcl to take the wrong pose")
    for x, y, yaw in (ROOMS["kitchen"], ROOMS["living room"]):
        drive(robot, x, y, yaw)
    assert robot.localisation_error() <= 0.15
    assert abs(angle_diff(robot.believed_pose().yaw, robot.true_pose().yaw)) <= math.radians(10)
    publisher.unregister()


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
    estop.unregister()
    wheels.close()
