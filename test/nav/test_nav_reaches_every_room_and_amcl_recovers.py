"""Navigation end to end on the simulated robot (sim.launch navigation:=true: map_server with the
world's map, the real amcl on the radar's full-circle scan with the Kinect sweeping, move_base,
depthimage_to_laserscan; odometry noise on), judged on the world's ground truth: goals in every
room are reached within 0.3 m, never nearer a wall than the base's footprint, and amcl ends
within 0.15 m of the truth; amcl recovers from an initial pose 0.5 m and 30 degrees off.
An unreachable goal and the e-stop: test_nav_refuses_and_estops.py (in ./run test)."""

from __future__ import annotations

import contextlib
import math

import pytest
from fixtures.harness import Recorder, wait_for
from fixtures.overlay import needs_overlay
from navsim import FOOTPRINT, ROOMS, angle_diff, bring_up, clearance, drive, pose_of

pytestmark = [needs_overlay, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def robot(ros_master, rospy_node, tmp_path_factory):
    with bring_up(ros_master, rospy_node, tmp_path_factory, navigation="true") as robot:
        yield robot


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
    estimates = Recorder("/amcl_pose", PoseWithCovarianceStamped)
    wait_for(estimates.connected, 30, "amcl's /amcl_pose")
    # latched: amcl gets it however soon after connecting it is published
    publisher = robot.rospy.Publisher(
        "/initialpose", PoseWithCovarianceStamped, queue_size=1, latch=True
    )

    def off(msg) -> float:
        believed = pose_of(msg)
        return math.hypot(believed.x - true.x, believed.y - true.y)

    def taken() -> bool:
        """amcl published the pose it was given (it may correct it at the radar's next scan)."""
        return any(off(m) > 0.3 for m in estimates.snapshot())

    for _ in range(6):  # as a user clicks "2D Pose Estimate" again when nothing happened
        wrong.header.stamp = robot.rospy.Time.now()
        publisher.publish(wrong)
        with contextlib.suppress(AssertionError):
            wait_for(taken, 5, "amcl's wrong pose")
            break
    assert taken(), "amcl never took the pose given on /initialpose"
    estimates.close()
    for x, y, yaw in (ROOMS["kitchen"], ROOMS["living room"]):
        drive(robot, x, y, yaw)
    assert robot.localisation_error() <= 0.15
    assert abs(angle_diff(robot.believed_pose().yaw, robot.true_pose().yaw)) <= math.radians(10)
    publisher.unregister()
