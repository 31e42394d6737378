"""An actionlib client drives the claw through /gripper_controller/gripper_cmd: it opens and
closes to the position asked, and closing on an object reports a stall, squeezing no harder
than max_effort asks."""

from __future__ import annotations

import pytest
from actionlib_msgs.msg import GoalStatus
from control_msgs.msg import GripperCommand, GripperCommandGoal
from fixtures.arm_actions import CHANNELS, POSES, action_rig, pulse  # noqa: F401
from fixtures.harness import wait_for


def command(position: float, max_effort: float = 0.0) -> GripperCommandGoal:
    return GripperCommandGoal(command=GripperCommand(position=position, max_effort=max_effort))


@pytest.mark.parametrize("position", [0.8, 0.0, 0.5])
def test_claw_opens_and_closes_to_the_position_asked(rig, position):
    rig.settle(POSES["rest"])
    state, result = rig.run(command(position), client=rig.gripper)
    assert state == GoalStatus.SUCCEEDED
    assert result.reached_goal and not result.stalled
    assert result.position == pytest.approx(position, abs=0.03)
    wait_for(lambda: rig.at({"arm_claw": position}, 0.01), 5, f"the claw at {position}")


@pytest.mark.parametrize("max_effort", [0.1, 0.0])
def test_claw_closing_on_an_object_reports_a_stall_and_squeezes_with_the_effort_asked(
    rig, max_effort
):
    rig.settle({**POSES["rest"], "arm_claw": 0.8})
    rig.device.block(CHANNELS["arm_claw"].channel, pulse("arm_claw", 0.4))  # the object
    state, result = rig.run(command(0.0, max_effort), client=rig.gripper)
    assert state == GoalStatus.SUCCEEDED
    assert result.stalled and not result.reached_goal
    assert result.position == pytest.approx(0.4, abs=0.01)
    expected = max_effort or 0.5  # 0: as hard as the URDF allows (effort 0.5)
    assert result.effort == pytest.approx(expected, rel=0.1)


def test_bad_claw_command_is_refused_and_nothing_moves(rig):
    rig.settle(POSES["rest"])
    rig.rospy.sleep(0.5)  # settled within the goal tolerance: let it finish its last steps
    before = rig.joints()["arm_claw"]
    for position, effort in ((float("nan"), 0.0), (1e300, 0.0), (-0.5, 0.0), (0.5, float("inf"))):
        state, _ = rig.run(command(position, effort), client=rig.gripper)
        assert state == GoalStatus.ABORTED
        assert rig.gripper.get_goal_status_text().startswith("claw position must be within")
        assert rig.at({"arm_claw": before}, 0.005), rig.joints()
