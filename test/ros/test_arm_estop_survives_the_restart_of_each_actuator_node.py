"""The e-stop is a state: engaged with the README's `rostopic pub -1` (whose publisher then
exits), it holds through a restart of the servo driver and of the shim. Each restarted node
refuses commands on /arm/joint_command and /arm/smooth_command and the arm stays where it was,
until an explicit release; then it moves again."""

from __future__ import annotations

import pytest
import rosgraph
from fixtures.harness import wait_for
from fixtures.shim import ELBOW, command, elbow
from std_msgs.msg import Bool

NODES = ("/servo_driver", "/smooth_shim")


def node_uri(name: str) -> str | None:
    try:
        return rosgraph.Master("/pytest").lookupNode(name)
    except rosgraph.MasterError:
        return None


def restart(ros_process, name: str) -> None:
    """Kill the node; roslaunch respawns it (a new process: a new URI)."""
    before = node_uri(name)
    assert ros_process("rosnode", "kill", name).wait(30) == 0
    wait_for(lambda: node_uri(name) not in (None, before), 60, f"{name} respawned")


def test_estop_holds_through_the_restart_of_the_driver_and_the_shim(rig, ros_process):
    from trajectory_msgs.msg import JointTrajectory

    rospy, commands, output, states, _ = rig
    direct = rospy.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
    try:
        engage = ros_process("rostopic", "pub", "-1", "/estop", "std_msgs/Bool", "data: true")
        assert engage.wait(60) == 0  # and its latched publisher is gone
        wait_for(lambda: rospy.wait_for_message("/estop/state", Bool, 10).data, 20, "engaged")
        for name in NODES:
            restart(ros_process, name)
        wait_for(lambda: commands.get_num_connections() > 0, 60, "the new shim subscribed")
        wait_for(lambda: direct.get_num_connections() > 0, 60, "the new driver subscribed")
        states.clear()
        states.wait_count(10, timeout=60)  # the new driver reads the arm again
        held = elbow(states.snapshot()[-1])
        output.clear()
        for _ in range(3):
            commands.publish(command(held - 0.5, 0.5))
            direct.publish(command(held - 0.5, 0.5))
            rospy.sleep(0.5)
        rospy.sleep(1.0)
        from_shim = [m for m in output.snapshot() if m.header.stamp.to_sec() > 0]  # ours: 0
        assert not from_shim, "the restarted shim streamed a move"
        assert elbow(states.snapshot()[-1]) == pytest.approx(held, abs=0.01), "the arm moved"

        release = ros_process("rostopic", "pub", "-1", "/estop", "std_msgs/Bool", "data: false")
        assert release.wait(60) == 0
        wait_for(lambda: not rospy.wait_for_message("/estop/state", Bool, 10).data, 20, "free")
        target = -0.4 if held > -0.2 else 0.0

        def moves() -> bool:  # the nodes may hear the release a moment after us
            commands.publish(command(target, 0.5))
            rospy.sleep(1.0)
            return abs(elbow(states.snapshot()[-1]) - target) < 0.01

        wait_for(moves, 60, f"{ELBOW} at {target} after the release")
    finally:
        direct.unregister()
