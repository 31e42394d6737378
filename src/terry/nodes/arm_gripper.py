"""The claw's GripperCommand action server, in the arm_controller node.

/gripper_controller/gripper_cmd: position is the claw angle (rad, 0 closed .. 0.8 open), sent
through the shim like every arm motion. SUCCEEDED with reached_goal when the measured claw gets
there; SUCCEEDED with stalled when it stops short with its command still ahead (it closed on
something), then commanded only max_effort / ~claw_stiffness past where it stopped (effort
reports that estimate); ABORTED on the e-stop, bad input, another client's command, or when it
has not arrived by the end of its move plus ~goal_time.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import actionlib
import rospy
from control_msgs.msg import GripperCommandAction, GripperCommandResult

from terry.arm.actions import GRIPPER_ACTION, ClawMonitor, squeeze_target

if TYPE_CHECKING:
    from terry.nodes.arm_controller import ArmController

CLAW = "arm_claw"


class GripperServer:
    def __init__(self, controller: ArmController) -> None:
        self.controller = controller
        self.name = GRIPPER_ACTION
        self.gripper = actionlib.SimpleActionServer(
            GRIPPER_ACTION, GripperCommandAction, self.grip, auto_start=False
        )
        self.gripper.start()

    def grip(self, request) -> None:
        target, max_effort = request.command.position, request.command.max_effort
        spec = self.controller.joints[CLAW]
        if not (math.isfinite(target) and spec.within_limits(target) and math.isfinite(max_effort)):
            reason = (
                f"claw position must be within [{spec.lower}, {spec.upper}] rad and max_effort "
                f"finite, got {target}, {max_effort}"
            )
            self.gripper.set_aborted(GripperCommandResult(), reason)
            return
        if why := self.controller.stopped():
            self.gripper.set_aborted(GripperCommandResult(), why)
            return
        start = rospy.get_time()
        reference = self.controller.move({CLAW: target})
        claw = ClawMonitor(
            target, self.controller.claw_tolerance, self.controller.stall_time, motion=0.005
        )
        deadline = None
        while not rospy.is_shutdown():
            now, positions, _ = self.controller.wait_state()
            measured = positions.get(CLAW, math.nan)
            answer = GripperCommandResult(position=measured)
            if why := self.controller.stopped():
                self.gripper.set_aborted(answer, why)
                return
            if caller := self.controller.taker(start):
                self.gripper.set_aborted(answer, f"{caller} commanded the arm: this goal gave way")
                return
            if self.gripper.is_preempt_requested():
                if not self.gripper.is_new_goal_available():
                    self.controller.brake((CLAW,))
                self.gripper.set_preempted(answer, "preempted")
                return
            if claw.reached(measured):
                answer.reached_goal = True
                self.gripper.set_succeeded(answer, "claw at its goal")
                return
            if claw.stalled(now, measured, reference.sample(now)[CLAW]):
                command, answer.effort = squeeze_target(
                    measured, target, max_effort, spec, self.controller.stiffness
                )
                self.controller.move({CLAW: command})
                answer.stalled = True
                self.gripper.set_succeeded(
                    answer, f"claw stalled at {measured:.3f} rad: holding with {answer.effort:.2f}"
                )
                return
            if deadline is None and reference.done(now):
                deadline = now + self.controller.defaults[2]
            if deadline is not None and now > deadline:
                self.gripper.set_aborted(answer, f"claw at {measured:.3f} rad, short of {target}")
                return
