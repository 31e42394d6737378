"""The ROS nodes Debian lacks, from the overlay `./run setup` builds (or ROS Noetic's own), start
with tools/env.sh's environment and register with a real master; control_msgs' actions import."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import rosgraph
from fixtures.harness import wait_for
from fixtures.overlay import REPO, needs_overlay, overlay_environment

pytestmark = needs_overlay

# node name -> command; each gets an explicit __name so the master lookup is exact
NODES = {
    "move_base": ["rosrun", "move_base", "move_base"],
    "amcl": ["rosrun", "amcl", "amcl"],
    "map_server": ["rosrun", "map_server", "map_server", str(REPO / "maps" / "apartment.yaml")],
    "slam_gmapping": ["rosrun", "gmapping", "slam_gmapping"],
    "depthimage_to_laserscan": ["rosrun", "depthimage_to_laserscan", "depthimage_to_laserscan"],
    "freenect_node": ["rosrun", "freenect_camera", "freenect_node"],
}
# a topic each node advertises as soon as it is up, with no tf, map, scan or device yet
# (freenect's driver advertises its images once it has opened a Kinect)
PUBLISHES = {
    "move_base": "/move_base/current_goal",
    "amcl": "/amcl_pose",
    "map_server": "/map",
    "slam_gmapping": "/map",
    "depthimage_to_laserscan": "/scan",
}


@pytest.mark.parametrize("name", sorted(NODES))
def test_node_starts_and_registers_with_the_master(name, ros_master, ros_process):
    env = {**overlay_environment(), "ROSCONSOLE_STDOUT_LINE_BUFFERED": "1"}  # log lines at once
    node = ros_process(*NODES[name], f"__name:={name}", env=env)
    master = rosgraph.Master("/pytest_overlay", master_uri=ros_master.uri)

    def registered() -> bool:
        assert node.alive, f"{name} exited:\n{node.output()}"
        try:
            master.lookupNode(f"/{name}")
        except rosgraph.MasterError:
            return False
        return True

    def publishing() -> bool:
        assert node.alive, f"{name} exited:\n{node.output()}"
        state = master.getSystemState()
        return any(topic == PUBLISHES[name] and f"/{name}" in nodes for topic, nodes in state[0])

    wait_for(registered, timeout=30, what=f"/{name} registered with the master")
    if name in PUBLISHES:
        wait_for(publishing, timeout=30, what=f"/{name} advertising {PUBLISHES[name]}")
    else:  # the driver nodelet loaded (pluginlib found it in the overlay) and looks for a Kinect
        wait_for(lambda: "devices" in node.output(), timeout=30, what="freenect's device search")
    assert node.alive, node.output()


def test_control_msgs_actions_import():
    code = (
        "from control_msgs.msg import FollowJointTrajectoryAction, GripperCommandAction\n"
        "goal = FollowJointTrajectoryAction().action_goal.goal\n"
        "print(type(goal).__name__, GripperCommandAction._type)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **(overlay_environment() or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["FollowJointTrajectoryGoal", "control_msgs/GripperCommandAction"]
