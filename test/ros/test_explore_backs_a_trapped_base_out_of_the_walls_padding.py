"""explore on the whole simulated robot, with a move_base that gives up on every goal (as navfn does
for a base inside its costmap's padding): the base, started facing the kitchen wall 0.25 m from
it (nearer than the 0.3 m the planner needs), is turned and driven straight out; judged on the
world's true pose, it ends at least 0.3 m from the wall, never nearer the wall than it started,
having moved a few centimetres, and a base in the clear is then left where it is."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import Recorder, wait_for

WALL_X = 3.0  # the living room | kitchen wall's face (tools/make_map.py), y -2.5 .. -0.4
START = (2.75, -1.2)
CLEARANCE = 0.3
ABORTED_TEXT = "Failed to find a valid plan. Even after executing recovery behaviors."


@pytest.fixture
def trapped(rospy_node, roslaunch, ros_process):
    import actionlib
    from move_base_msgs.msg import MoveBaseAction
    from nav_msgs.msg import OccupancyGrid, Odometry

    fresh_estop(rospy_node)
    launch = roslaunch(
        "sim.launch", no_dashboard="true", odom_noise="false", x=START[0], y=START[1], yaw=0.0
    )
    truth = Recorder("/sim/ground_truth", Odometry)
    wait_for(lambda: truth.messages or not launch.alive, 60, "the simulated world")
    assert launch.alive, launch.output()
    wait_released(rospy_node)
    # the true map with the kitchen unknown: a frontier at its door for explore to pick
    world = rospy_node.wait_for_message("/sim/map", OccupancyGrid, timeout=30)
    cells = np.array(world.data, dtype=np.int8).reshape(world.info.height, world.info.width)
    xs = world.info.origin.position.x + (np.arange(world.info.width) + 0.5) * world.info.resolution
    cells[:, xs > WALL_X + 0.2] = -1
    world.data = cells.ravel().tolist()
    maps = rospy_node.Publisher("/explore_test/map", OccupancyGrid, queue_size=1, latch=True)
    maps.publish(world)
    goals: list[object] = []

    def give_up(handle) -> None:  # on the action's own thread: no thread of ours outlives the test
        goals.append(handle.get_goal())
        handle.set_accepted()
        handle.set_aborted(text=ABORTED_TEXT)

    server = actionlib.ActionServer("move_base", MoveBaseAction, give_up, auto_start=False)
    server.start()
    # the master lives for the session: an explore run by an earlier test (the dashboard's, with
    # _autostart:=false) left its private parameters there, and this one would wait for a start
    if rospy_node.has_param("/explore"):
        rospy_node.delete_param("/explore")
    explore = ros_process(
        "rosrun",
        "terry",
        "explore",
        "map:=/explore_test/map",
        f"_clearance:={CLEARANCE}",
        "_map_file:=''",
        "_time_limit:=120",
    )
    try:
        yield truth, goals, explore
    finally:
        server.stop()  # its status timer stops before the latched /move_base/status goes
        maps.unregister()
        truth.close()


def x_of(msg) -> float:
    return msg.pose.pose.position.x


def test_a_base_inside_the_padding_is_turned_and_driven_out_then_left_alone(trapped):
    truth, goals, explore = trapped
    wait_for(lambda: goals or not explore.alive, 60, "explore's first goal")
    assert explore.alive, explore.output()
    wait_for(lambda: WALL_X - x_of(truth.snapshot()[-1]) >= CLEARANCE, 30, "the base out")
    time.sleep(3.0)  # whatever explore does next, a base in the clear stays put
    path = truth.snapshot()
    end = path[-1].pose.pose.position
    assert max(x_of(m) for m in path) <= START[0] + 0.01, "it went nearer the wall"
    assert WALL_X - end.x >= CLEARANCE
    assert math.hypot(end.x - START[0], end.y - START[1]) <= 0.25
    assert all(
        math.hypot(x_of(m) - end.x, m.pose.pose.position.y - end.y) < 0.01 for m in path[-20:]
    ), "the base must stop once it is out"
    assert "backing out" in explore.output()
