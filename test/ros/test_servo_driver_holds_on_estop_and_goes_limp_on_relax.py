"""/estop stops the arm where it is and holds it, refusing trajectories until released, even
with the arm resting at a joint limit; /arm/relax makes the servos limp until the next command."""

from __future__ import annotations

from fixtures.harness import wait_for
from fixtures.servo import JOINTS, move
from std_msgs.msg import Bool


def test_estop_stops_holds_and_refuses_until_released(arm, rospy_node):
    arm.commands.publish(move(3.0, arm_shoulder=2.2))
    wait_for(lambda: arm.position() > 0.6, 15, "the arm on its way")
    arm.estop.publish(Bool(True))
    wait_for(lambda: arm.link_state()["estop"] == "True", 15, "diagnostics: e-stop engaged")
    held = arm.position()
    assert held < 2.0
    arm.commands.publish(move(0.5, arm_shoulder=-0.3))
    rospy_node.sleep(1.5)
    assert abs(arm.position() - held) < 0.01
    arm.estop.publish(Bool(False))
    wait_for(lambda: arm.link_state()["estop"] == "False", 15, "diagnostics: e-stop released")
    arm.go(-0.3)


def test_arm_stopped_at_a_joint_limit_is_held_there_and_moves_again_after_release(arm):
    """The board reads back a limit a fraction of a pulse step beyond it; holding there must
    not wedge the driver (it once refused every hold target and went silent)."""
    for limit in (JOINTS["arm_shoulder"].upper, JOINTS["arm_shoulder"].lower):
        arm.go(limit)
        arm.estop.publish(Bool(True))
        wait_for(lambda: arm.link_state()["estop"] == "True", 15, "diagnostics: e-stop engaged")
        arm.states.clear()
        arm.states.wait_count(10, timeout=15)  # the loop runs on: /joint_states keeps coming
        assert arm.at(limit)
        arm.estop.publish(Bool(False))
        wait_for(lambda: arm.link_state()["estop"] == "False", 15, "diagnostics: released")
        arm.go(1.0)


def test_relax_makes_the_servos_limp_until_the_next_command(arm, rospy_node):
    from std_srvs.srv import Trigger

    rospy_node.wait_for_service("/arm/relax", 30)
    answer = rospy_node.ServiceProxy("/arm/relax", Trigger)()
    assert answer.success, answer.message
    wait_for(lambda: arm.link_state()["message"] == "limp", 15, "diagnostics saying limp")
    velocities = arm.states.snapshot()[-1].velocity
    assert all(v == 0.0 for v in velocities)  # a limp servo reports no motion
    arm.go(0.5)  # a command brings the torque back
