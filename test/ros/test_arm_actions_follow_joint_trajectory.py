"""An actionlib client drives the simulated arm through /arm_controller/follow_joint_trajectory:
a multi-point trajectory reaches its goal and SUCCEEDS; a goal the arm cannot follow in time (too
fast for the servos, a slow servo, a stalled joint) ABORTS with the tolerance it violated and why;
a new goal preempts and carries on from the motion; a cancel brakes smoothly; the e-stop aborts."""

from __future__ import annotations

from actionlib_msgs.msg import GoalStatus
from control_msgs.msg import FollowJointTrajectoryResult as Result
from control_msgs.msg import JointTolerance
from fixtures.arm_actions import POSES, action_rig, pulse, trajectory_goal  # noqa: F401
from fixtures.harness import wait_for
from rospy import Duration

REST = POSES["rest"]


def test_multi_point_trajectory_reaches_its_goal_and_succeeds(rig):
    rig.settle(REST)
    goal = trajectory_goal(
        (1.0, {"arm_shoulder": 1.2, "arm_elbow": -2.0}),
        (2.0, {"arm_shoulder": 0.9, "arm_elbow": -1.8}),
        (3.0, {"arm_shoulder": 1.1, "arm_elbow": -2.2}),
        path_tolerance=[JointTolerance(name="arm_shoulder", position=0.15)],
    )
    state, result = rig.run(goal)
    assert state == GoalStatus.SUCCEEDED, result.error_string
    assert result.error_code == Result.SUCCESSFUL
    assert rig.at({"arm_shoulder": 1.1, "arm_elbow": -2.2})


def channel(joint: str):
    from fixtures.arm_actions import CHANNELS

    return CHANNELS[joint].channel


def test_arm_starts_at_rest_in_simulation(rig):
    first = dict(zip(rig.states.messages[0].name, rig.states.messages[0].position, strict=True))
    assert all(abs(first[n] - v) < 0.01 for n, v in REST.items()), first


def test_goal_faster_than_the_servos_aborts_with_goal_tolerance_violated(rig):
    rig.settle(REST)
    goal = trajectory_goal((0.3, {"arm_shoulder": 0.5}), goal_time_tolerance=Duration(0.1))
    state, result = rig.run(goal)
    assert state == GoalStatus.ABORTED
    assert result.error_code == Result.GOAL_TOLERANCE_VIOLATED
    assert "arm_shoulder is" in result.error_string
    assert "goal_time_tolerance 0.10 s" in result.error_string


def test_slow_servo_aborts_with_goal_tolerance_violated_naming_the_joint(rig):
    rig.settle(REST)
    rig.device.outputs[channel("arm_elbow")].slew = 5  # 0.2 rad/s instead of 2
    goal = trajectory_goal(
        (1.5, {"arm_shoulder": 1.3, "arm_elbow": -1.8}), goal_time_tolerance=Duration(0.5)
    )
    state, result = rig.run(goal)
    assert state == GoalStatus.ABORTED
    assert result.error_code == Result.GOAL_TOLERANCE_VIOLATED
    assert "arm_elbow is" in result.error_string and "arm_shoulder" not in result.error_string


def test_stalled_joint_aborts_with_path_tolerance_violated_and_the_arm_holds(rig):
    rig.settle(REST)
    rig.device.block(channel("arm_shoulder"), pulse("arm_shoulder", 1.2))
    goal = trajectory_goal(
        (2.0, {"arm_shoulder": 0.6}),
        path_tolerance=[JointTolerance(name="arm_shoulder", position=0.1)],
    )
    state, result = rig.run(goal)
    assert state == GoalStatus.ABORTED
    assert result.error_code == Result.PATH_TOLERANCE_VIOLATED
    assert "arm_shoulder is" in result.error_string and "measured 1.20" in result.error_string
    rig.rospy.sleep(1.0)
    assert rig.at({"arm_shoulder": 1.2}, 0.01)


def test_new_goal_preempts_and_carries_on_from_the_motion_without_a_jump(rig):
    import actionlib
    from control_msgs.msg import FollowJointTrajectoryAction

    rig.settle(REST)
    other = actionlib.SimpleActionClient(
        "/arm_controller/follow_joint_trajectory", FollowJointTrajectoryAction
    )
    assert other.wait_for_server(rig.rospy.Duration(30))
    rig.states.clear()
    rig.arm.send_goal(trajectory_goal((3.0, {"arm_shoulder": 0.5})))
    wait_for(lambda: rig.joints()["arm_shoulder"] < 1.2, 15, "the first goal under way")
    state, result = rig.run(trajectory_goal((1.5, {"arm_shoulder": 1.3})), client=other)
    assert state == GoalStatus.SUCCEEDED, result.error_string
    assert rig.arm.get_state() == GoalStatus.PREEMPTED
    assert "preempted by a new goal" in rig.arm.get_result().error_string
    assert rig.peak_speed("arm_shoulder") < 1.0  # planned ~0.5 rad/s; a rush would be 2


def test_cancel_brakes_smoothly_to_a_stop_short_of_the_goal(rig):
    rig.settle(REST)
    rig.states.clear()
    rig.arm.send_goal(trajectory_goal((1.5, {"arm_shoulder": 0.2})))
    wait_for(lambda: rig.joints()["arm_shoulder"] < 1.0, 15, "the goal under way")
    rig.arm.cancel_goal()
    cancelled_at = rig.joints()["arm_shoulder"]
    assert rig.arm.wait_for_result(rig.rospy.Duration(10))
    assert rig.arm.get_state() == GoalStatus.PREEMPTED
    assert "braking smoothly" in rig.arm.get_result().error_string
    rig.rospy.sleep(2.0)
    stopped = rig.joints()["arm_shoulder"]
    assert 0.3 < stopped < cancelled_at - 0.05  # kept going while it braked, and stopped short
    assert rig.peak_speed("arm_shoulder") < 1.8  # planned peak 1.36 rad/s; servos 2


def test_estop_aborts_the_goal_and_refuses_new_ones_until_released(rig):
    from std_msgs.msg import Bool

    rig.settle(REST)
    rig.arm.send_goal(trajectory_goal((3.0, {"arm_shoulder": 0.5})))
    wait_for(lambda: rig.joints()["arm_shoulder"] < 1.3, 15, "the goal under way")
    rig.estop.publish(Bool(True))
    assert rig.arm.wait_for_result(rig.rospy.Duration(10))
    assert rig.arm.get_state() == GoalStatus.ABORTED
    assert "e-stop" in rig.arm.get_result().error_string
    rig.rospy.sleep(1.0)
    held = rig.joints()["arm_shoulder"]
    state, result = rig.run(trajectory_goal((1.0, {"arm_shoulder": 1.5})))
    assert state == GoalStatus.ABORTED and "e-stop" in result.error_string
    assert abs(rig.joints()["arm_shoulder"] - held) < 0.01
    rig.settle(REST)  # released


def test_with_smoothing_off_the_trajectory_passes_through_and_still_succeeds(rig):
    from std_srvs.srv import SetBool

    rig.settle(REST)
    switch = rig.rospy.ServiceProxy("/arm/smooth/set_enabled", SetBool)
    assert switch(False).success
    try:
        goal = trajectory_goal(
            (1.0, {"arm_shoulder": 1.2, "arm_wrist": 0.5}),
            (2.0, {"arm_shoulder": 0.9, "arm_wrist": 0.2}),
            path_tolerance=[JointTolerance(name="arm_shoulder", position=0.1)],
        )
        state, result = rig.run(goal)
        assert state == GoalStatus.SUCCEEDED, result.error_string
        assert rig.at({"arm_shoulder": 0.9, "arm_wrist": 0.2})
    finally:
        assert switch(True).success
