"""An actionlib client drives the simulated arm through /arm_controller/follow_joint_trajectory:
a multi-point trajectory reaches its goal and SUCCEEDS; a goal the arm cannot follow in time (too
fast for the servos, a slow servo, a stalled joint) ABORTS with the tolerance it violated and why;
a new goal preempts and carries on from the motion; a cancel brakes smoothly; the e-stop aborts."""

from __future__ import annotations

from actionlib_msgs.msg import GoalStatus
from control_msgs.msg import FollowJointTrajectoryResult as Result
from control_msgs.msg import JointTolerance
from fixtures.arm_actions import POSES, action_rig, pulse, trajectory_goal  # noqa: F401

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
