"""explore on the whole simulated robot, with a move_base that gives up on every goal (as navfn does
for a base inside its costmap's padding): the base, started facing the kitchen wall 0.25 m from
it (nearer than the 0.3 m the planner needs), is turned and driven straight out; judged on the
world's true pose, it ends at least 0.3 m from the wall, never nearer the wall than it started,
having moved a few centimetres, and a base in the clear is then left where it is.

With a planner that has no plan to anywhere, a base in the clear gives the frontier up without
counting itself stuck (exploring ends with the frontier named still open), and a trapped one,
backed out, does count it."""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import Recorder, wait_for

WALL_X = 3.0  # the living room | kitchen wall's face (tools/make_map.py), y -2.5 .. -0.4
START = (2.75, -1.2)
CLEAR_START = (1.5, -1.2)
CLEARANCE = 0.3
ABORTED_TEXT = "Failed to find a valid plan. Even after executing recovery behaviors."


@pytest.fixture
def explore_kitchen(rospy_node, roslaunch, ros_process):
    """explore(start, plans, *args): the simulated robot at `start`, explore's map the true one
    with the kitchen unknown, a move_base that gives up on every goal and, unless `plans`, a
    make_plan service with no plan to anywhere; the world's truth, the goals and explore."""
    import actionlib
    from move_base_msgs.msg import MoveBaseAction
    from nav_msgs.msg import OccupancyGrid, Odometry
    from nav_msgs.srv import GetPlan, GetPlanResponse

    closing = []

    def explore(start: tuple[float, float], plans: bool, *args: str):
        fresh_estop(rospy_node)
        launch = roslaunch(
            "sim.launch", no_dashboard="true", odom_noise="false", x=start[0], y=start[1], yaw=0.0
        )
        truth = Recorder("/sim/ground_truth", Odometry)
        closing.append(truth.close)
        wait_for(lambda: truth.messages or not launch.alive, 60, "the simulated world")
        assert launch.alive, launch.output()
        wait_released(rospy_node)
        # the true map with the kitchen unknown: a frontier at its door for explore to pick
        world = rospy_node.wait_for_message("/sim/map", OccupancyGrid, timeout=30)
        cells = np.array(world.data, dtype=np.int8).reshape(world.info.height, world.info.width)
        res = world.info.resolution
        xs = world.info.origin.position.x + (np.arange(world.info.width) + 0.5) * res
        cells[:, xs > WALL_X + 0.2] = -1
        world.data = cells.ravel().tolist()
        maps = rospy_node.Publisher("/explore_test/map", OccupancyGrid, queue_size=1, latch=True)
        maps.publish(world)
        closing.append(maps.unregister)
        goals: list[object] = []

        def give_up(handle) -> None:  # on the action's own thread: no thread of ours outlives it
            goals.append(handle.get_goal())
            handle.set_accepted()
            handle.set_aborted(text=ABORTED_TEXT)

        server = actionlib.ActionServer("move_base", MoveBaseAction, give_up, auto_start=False)
        server.start()
        closing.insert(0, server.stop)  # its status timer stops before /move_base/status goes
        if not plans:
            no_plan = rospy_node.Service(
                "/move_base/make_plan", GetPlan, lambda _: GetPlanResponse()
            )
            closing.append(no_plan.shutdown)
        # the master lives for the session: an explore run by an earlier test (the dashboard's,
        # with _autostart:=false) left its private parameters there, and this one would wait
        if rospy_node.has_param("/explore"):
            rospy_node.delete_param("/explore")
        process = ros_process(
            "rosrun",
            "terry",
            "explore",
            "map:=/explore_test/map",
            f"_clearance:={CLEARANCE}",
            "_map_file:=''",
            "_time_limit:=120",
            *args,
        )
        return truth, goals, process

    try:
        yield explore
    finally:
        for close in closing:
            close()


def x_of(msg) -> float:
    return msg.pose.pose.position.x


def test_a_base_inside_the_padding_is_turned_and_driven_out_then_left_alone(explore_kitchen):
    truth, goals, explore = explore_kitchen(START, True)
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


def ended(rospy_node, explore) -> dict:
    """explore's last status once it is done."""
    from std_msgs.msg import String

    status: list[dict] = []

    def done() -> bool:
        msg = rospy_node.wait_for_message("/explore/status", String, timeout=5)
        status.append(json.loads(msg.data))
        return status[-1]["state"] == "done" or not explore.alive

    wait_for(done, 90, "explore to end")
    return status[-1]


def test_a_frontier_with_no_plan_from_the_open_is_given_up_without_calling_the_base_stuck(
    rospy_node, explore_kitchen
):
    truth, goals, explore = explore_kitchen(CLEAR_START, False, "_stuck_after:=1")
    status = ended(rospy_node, explore)
    assert status["reason"].startswith("no frontier left that move_base could reach"), status
    assert status["failed"] >= 1 and not goals, "a refused frontier is not sent to move_base"
    assert "backing out" not in explore.output()
    end = truth.snapshot()[-1].pose.pose.position
    assert math.hypot(end.x - CLEAR_START[0], end.y - CLEAR_START[1]) < 0.02


def test_a_frontier_with_no_plan_from_inside_the_padding_counts_towards_stuck(
    rospy_node, explore_kitchen
):
    truth, goals, explore = explore_kitchen(START, False, "_stuck_after:=1")
    status = ended(rospy_node, explore)
    assert "the base is stuck" in status["reason"], status
    assert "backing out" in explore.output() and not goals
    assert WALL_X - x_of(truth.snapshot()[-1]) >= CLEARANCE, "backed out of the padding"
