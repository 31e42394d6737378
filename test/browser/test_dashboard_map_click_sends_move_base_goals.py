"""The map panel: it shows the map with the robot where the world has it; a click (or a tap on a
phone) sends a move_base goal to that place in the map frame, a drag sets the heading, the
cancel button cancels, "set pose" gives amcl an initial pose, and the explore buttons drive the
explore node. Judged on what reaches ROS (/move_base/goal, /move_base/cancel, /initialpose,
/explore/status).

The map is drawn whole, centred in the canvas, x to the right and y up: that is how the test
finds the canvas point of a place in the map."""

from __future__ import annotations

import json
import math

import pytest
from actionlib_msgs.msg import GoalID
from fixtures.dashboard import MapView, shown_map
from fixtures.harness import Recorder, wait_for
from geometry_msgs.msg import PoseWithCovarianceStamped
from move_base_msgs.msg import MoveBaseActionGoal
from nav_msgs.msg import Odometry
from std_msgs.msg import String


@pytest.fixture
def recorders(rospy_node):
    made = {
        "goal": Recorder("/move_base/goal", MoveBaseActionGoal),
        "cancel": Recorder("/move_base/cancel", GoalID),
        "pose": Recorder("/initialpose", PoseWithCovarianceStamped),
    }
    yield made
    for r in made.values():
        r.close()


def yaw_of(q) -> float:
    return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))


def test_map_shows_the_robot_where_it_is(rospy_node, page):
    shown_map(rospy_node, page)
    truth = rospy_node.wait_for_message("/sim/ground_truth", Odometry, timeout=10).pose.pose
    page.wait_for_selector("#map[data-robot]", timeout=60_000)
    x, y, yaw = map(float, page.get_attribute("#map", "data-robot").split())
    assert math.hypot(x - truth.position.x, y - truth.position.y) < 0.1
    assert abs(math.remainder(yaw - yaw_of(truth.orientation), math.tau)) < 0.1


def test_click_sends_a_goal_there_drag_sets_the_heading_and_cancel_cancels(
    rospy_node, page, recorders
):
    grid = shown_map(rospy_node, page)
    goals = recorders["goal"]
    wait_for(lambda: goals.connected(), 20, "the page's /move_base/goal")
    view = MapView(page, grid)
    tolerance = 1.5 * view.metres_per_css_pixel

    before = len(goals.snapshot())
    page.mouse.click(*view.at(1.0, 0.5))  # a click: heading from the robot (at 0, 0) to there
    goal = wait_for(lambda: goals.since(before), 10, "a move_base goal from the click")[-1]
    pose = goal.goal.target_pose
    assert goal.goal.target_pose.header.frame_id == "map" and goal.goal_id.id
    assert math.hypot(pose.pose.position.x - 1.0, pose.pose.position.y - 0.5) < tolerance
    assert abs(yaw_of(pose.pose.orientation) - math.atan2(0.5, 1.0)) < 0.05
    page.wait_for_selector("#nav-state[data-state=sent]")

    before = len(goals.snapshot())
    start = view.at(-1.0, -1.0)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0], start[1] - 40, steps=5)  # drag up the screen: +y, yaw pi/2
    page.mouse.up()
    goal = wait_for(lambda: goals.since(before), 10, "a move_base goal from the drag")[-1]
    pose = goal.goal.target_pose.pose
    assert math.hypot(pose.position.x + 1.0, pose.position.y + 1.0) < tolerance
    assert abs(yaw_of(pose.orientation) - math.pi / 2) < 0.05

    cancels = recorders["cancel"]
    wait_for(lambda: cancels.connected(), 20, "the page's /move_base/cancel")
    page.click("#nav-cancel")
    cancel = wait_for(lambda: cancels.since(0), 10, "the cancel on /move_base/cancel")[-1]
    assert cancel.id == "" and cancel.stamp.to_sec() == 0  # every goal


def test_set_pose_sends_amcl_an_initial_pose(rospy_node, page, recorders):
    grid = shown_map(rospy_node, page)
    poses, goals = recorders["pose"], recorders["goal"]
    wait_for(lambda: poses.connected(), 20, "the page's /initialpose")
    view = MapView(page, grid)
    page.click("#nav-pose")
    before = len(goals.snapshot())
    page.mouse.click(*view.at(0.5, -0.5))
    pose = wait_for(lambda: poses.since(0), 10, "/initialpose from the click")[-1]
    assert pose.header.frame_id == "map"
    p = pose.pose.pose.position
    assert math.hypot(p.x - 0.5, p.y + 0.5) < 1.5 * view.metres_per_css_pixel
    assert pose.pose.covariance[0] > 0 and pose.pose.covariance[35] > 0
    page.wait_for_timeout(300)
    assert goals.since(before) == [], "setting the pose sent a goal"


def test_phone_layout_keeps_stop_and_a_tap_on_the_map_sends_a_goal(
    rospy_node, browser, dashboard_url, recorders
):
    phone = browser.new_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        phone.goto(dashboard_url)
        phone.wait_for_selector("#conn[data-state=connected]", timeout=30_000)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "sideways scroll"
        stop = phone.locator("#estop").bounding_box()
        assert stop["x"] >= 0 and stop["x"] + stop["width"] <= 390 and stop["y"] < 844
        grid = shown_map(rospy_node, phone)
        view = MapView(phone, grid)
        assert view.box["width"] <= 390
        goals = recorders["goal"]
        wait_for(lambda: goals.connected(), 20, "the phone's /move_base/goal")
        before = len(goals.snapshot())
        phone.touchscreen.tap(*view.at(1.0, -0.5))
        goal = wait_for(lambda: goals.since(before), 10, "a move_base goal from the tap")[-1]
        p = goal.goal.target_pose.pose.position
        assert math.hypot(p.x - 1.0, p.y + 0.5) < 1.5 * view.metres_per_css_pixel
        stop = phone.locator("#estop").bounding_box()  # the header stays on screen
        assert stop["y"] >= 0 and stop["y"] + stop["height"] <= 844, "STOP scrolled away"
    finally:
        phone.close()


def test_explore_buttons_start_and_stop_the_explore_node(rospy_node, page, ros_process):
    """With the explore node running (mapping mode), Explore and Stop exploring call its
    services; the explore node's own status says it started and stopped."""
    explore = ros_process("rosrun", "terry", "explore", "_autostart:=false")

    def state() -> str:
        assert explore.alive, explore.output()
        try:
            msg = rospy_node.wait_for_message("/explore/status", String, timeout=5)
        except rospy_node.ROSException:
            return ""
        return json.loads(msg.data)["state"]

    try:
        wait_for(lambda: state() == "idle", 60, "the explore node, idle")
        page.wait_for_selector("#explore-row:not([hidden])", timeout=60_000)
        page.click("#explore-start")
        wait_for(lambda: state() == "exploring", 20, "the explore node exploring")
        page.wait_for_selector("#explore-state[data-state=exploring]", timeout=30_000)
        page.click("#explore-stop")
        wait_for(lambda: state() != "exploring", 20, "the explore node stopped")
    finally:  # private parameters outlive the node on this shared master, and a later
        rospy_node.delete_param("/explore")  # explore would wait for a start as this one does
