"""Mapping end to end on the simulated robot (sim.launch mapping:=true: the real gmapping on the
radar's full-circle scan with the Kinect sweeping, move_base planning into unknown space,
depthimage_to_laserscan; odometry noise on), judged on the world's true map: a goal in space the
robot has not seen yet (sent on /move_base_simple/goal, as rviz does) is reached, and exploring
with `rosrun terry explore` yields a map whose occupied cells lie on real walls (at least 90 %
within 0.15 m), with almost no free cells inside walls, covering most of the apartment's floor,
saved with map_saver.
"""

from __future__ import annotations

import json
import math

import pytest
from fixtures.harness import Recorder, wait_for
from fixtures.overlay import needs_overlay
from navsim import bring_up, score_map

pytestmark = [needs_overlay, pytest.mark.timeout(1500)]

EXPLORE_TIME = 600  # s the explore command may take (its own limit); the test waits a bit longer


@pytest.fixture(scope="module")
def robot(ros_master, rospy_node, tmp_path_factory):
    with bring_up(ros_master, rospy_node, tmp_path_factory, mapping="true") as robot:
        yield robot


def test_goal_in_unexplored_space_is_planned_and_reached(robot):
    from geometry_msgs.msg import PoseStamped

    rospy = robot.rospy
    publisher = rospy.Publisher("/move_base_simple/goal", PoseStamped, queue_size=1, latch=True)
    target = PoseStamped()
    target.header.frame_id, target.header.stamp = "map", rospy.Time.now()
    target.pose.position.x, target.pose.position.y = 4.6, 0.4  # the kitchen, behind a wall
    target.pose.orientation.w = 1.0
    publisher.publish(target)

    def arrived() -> bool:
        pose = robot.true_pose()
        return robot.alive() and math.hypot(pose.x - 4.6, pose.y - 0.4) <= 0.3

    wait_for(arrived, 300, "the robot in the kitchen")
    publisher.unregister()


def test_exploring_yields_a_map_on_the_true_walls_covering_the_apartment(
    robot, ros_process, tmp_path
):
    from fixtures.overlay import overlay_environment
    from nav_msgs.msg import OccupancyGrid
    from std_msgs.msg import String

    saved = tmp_path / "explored"
    if robot.rospy.has_param("/explore"):  # left on this shared master by an earlier test
        robot.rospy.delete_param("/explore")
    status = Recorder("/explore/status", String)
    explore = ros_process(
        "rosrun",
        "terry",
        "explore",
        f"_time_limit:={EXPLORE_TIME}",
        f"_map_file:={saved}",
        env=overlay_environment(),
    )

    def done() -> dict | None:
        assert robot.alive() and explore.alive, explore.output()[-4000:]
        last = [json.loads(m.data) for m in status.snapshot()[-1:]]
        return last[0] if last and last[0]["state"] == "done" else None

    report = wait_for(done, EXPLORE_TIME + 120, "exploring to finish", interval=1.0)
    status.close()
    assert report["map"] and (tmp_path / "explored.yaml").exists(), report
    maps = Recorder("/map", OccupancyGrid)
    grid = maps.wait_count(1, timeout=30)[-1]
    maps.close()
    score = score_map(grid)
    print(f"explored map: {score}, explore: {report}")
    assert score.on_walls >= 0.9, score
    assert score.free_in_walls <= 0.01, score
    assert score.coverage >= 0.75, score
