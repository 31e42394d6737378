"""explore on the whole simulated robot, with a move_base that gives up on every goal (as navfn does
for a base inside its costmap's padding): the base, started facing the kitchen wall 0.25 m from
it (nearer than the 0.3 m the planner needs), is turned and driven straight out; judged on the
world's true pose, it ends at least 0.3 m from the wall, never nearer the wall than it started,
having moved a few centimetres, and a base in the clear is then left where it is.

With a planner that has no plan to anywhere, a base in the clear gives the frontier up without
counting itself stuck (exploring ends with the frontier named still open), and a trapped one,
backed out, does count it. So does a base in the map's clear 0.2 m in front of a face that only
move_base's local costmap has (as furniture seen only from inside the Kinect's blind spot): it
backs away from the face."""

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


def publish_face(rospy_node, east: float):
    """A local costmap as move_base's (4 x 4 m around the base, frame odom, 2 Hz) whose only
    lethal cells are a face 0.05 m thick and 2 m wide, `east` m east of the base; its publisher
    and closer."""
    import tf2_ros
    from nav_msgs.msg import OccupancyGrid

    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    wait = rospy_node.Duration(10)  # the listener has only just started to hear /tf
    odom = buffer.lookup_transform("odom", "map", rospy_node.Time(0), wait)
    base = buffer.lookup_transform("map", "base_footprint", rospy_node.Time(0), wait)
    t, q = odom.transform.translation, odom.transform.rotation
    c, s = math.cos(2 * math.atan2(q.z, q.w)), math.sin(2 * math.atan2(q.z, q.w))

    def in_odom(x, y):
        return t.x + c * x - s * y, t.y + s * x + c * y

    bx, by = base.transform.translation.x, base.transform.translation.y
    ox, oy = in_odom(  # the face's points, 1 cm apart
        *np.meshgrid(np.arange(0.0, 0.05, 0.01) + bx + east, np.arange(-1.0, 1.0, 0.01) + by)
    )
    grid = OccupancyGrid()
    grid.header.frame_id = "odom"
    grid.info.resolution, grid.info.width, grid.info.height = 0.05, 80, 80
    origin = [v - 2.0 for v in in_odom(bx, by)]
    grid.info.origin.position.x, grid.info.origin.position.y = origin
    grid.info.origin.orientation.w = 1.0
    cells = np.zeros((80, 80), dtype=np.int8)
    cols = ((ox - grid.info.origin.position.x) / 0.05).astype(int).ravel()
    rows = ((oy - grid.info.origin.position.y) / 0.05).astype(int).ravel()
    cells[rows, cols] = 100
    grid.data = cells.ravel().tolist()
    pub = rospy_node.Publisher("/move_base/local_costmap/costmap", OccupancyGrid, queue_size=1)

    def send(_event) -> None:
        grid.header.stamp = rospy_node.Time.now()
        pub.publish(grid)

    timer = rospy_node.Timer(rospy_node.Duration(0.5), send)

    def close() -> None:
        timer.shutdown()
        pub.unregister()
        listener.unregister()

    return pub, close


@pytest.fixture
def explore_kitchen(rospy_node, roslaunch, ros_process):
    """explore(start, plans, *args, face=None): the simulated robot at `start`, explore's map the
    true one with the kitchen unknown, a move_base that gives up on every goal and, unless
    `plans`, a make_plan service with no plan to anywhere; with `face`, a local costmap with a
    face that far east of the base; the world's truth, the goals and explore."""
    import actionlib
    from move_base_msgs.msg import MoveBaseAction
    from nav_msgs.msg import OccupancyGrid, Odometry
    from nav_msgs.srv import GetPlan, GetPlanResponse

    closing = []

    def explore(start: tuple[float, float], plans: bool, *args: str, face: float | None = None):
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
        if face is not None:
            costmap, close = publish_face(rospy_node, face)
            closing.append(close)
            args = (*args, "_autostart:=false")  # started once the costmap reaches it
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
        if face is not None:
            from std_srvs.srv import Trigger

            wait_for(lambda: costmap.get_num_connections() > 0, 30, "explore to hear the costmap")
            time.sleep(1.5)  # at 2 Hz: a costmap has arrived since
            rospy_node.wait_for_service("/explore/start", timeout=30)
            assert rospy_node.ServiceProxy("/explore/start", Trigger)().success
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


def test_a_face_only_the_local_costmap_has_traps_the_base_and_it_backs_away_from_it(
    rospy_node, explore_kitchen
):
    truth, goals, explore = explore_kitchen(CLEAR_START, False, "_stuck_after:=1", face=0.2)
    status = ended(rospy_node, explore)
    assert "the base is stuck" in status["reason"], status
    assert "backing out" in explore.output() and not goals
    path = truth.snapshot()
    assert max(x_of(m) for m in path) <= CLEAR_START[0] + 0.01, "it went nearer the face"
    assert x_of(path[-1]) <= CLEAR_START[0] - 0.1, "backed away from the face"
