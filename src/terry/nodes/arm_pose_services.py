"""Named poses, teach and replay, and park: the arm_controller node's services (std_srvs/Trigger).

Every motion here is a FollowJointTrajectory goal to the node's own action server, so it preempts
and is preempted like any other client's, and its service answers with the action's result.
Services: /arm/pose/<name> for each pose in config/arm_poses.yaml (rest, home, ready and the
user's own; waits until the arm is there); /arm/park (to rest, then /arm/relax: limp);
/arm/teach/record (the measured pose appended), /arm/teach/clear, /arm/teach/play (the recorded
poses as one trajectory through the shim). Topics: /arm/named_pose (std_msgs/String in: go to
that pose without waiting), /arm/teach/poses (std_msgs/String out, latched JSON: the recording).
Params: ~poses (config/arm_poses.yaml), ~pose_speed (0.6 rad/s), ~rest_speed (0.25 rad/s: the
slow move to rest on start), ~replay_speed (0.6 rad/s).
"""

from __future__ import annotations

import json
import math
import threading
from typing import TYPE_CHECKING

import actionlib
import rospy
from actionlib_msgs.msg import GoalStatus
from control_msgs.msg import FollowJointTrajectoryAction, FollowJointTrajectoryGoal
from std_msgs.msg import String
from std_srvs.srv import Trigger, TriggerResponse
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.poses import PoseError, load_poses, sequence_points
from terry.paths import package_file

if TYPE_CHECKING:
    from terry.nodes.arm_controller import ArmController

START_SETTLE = 1.0  # s: /joint_states reach a freshly connected shim well within this
TERMINAL = {GoalStatus.SUCCEEDED, GoalStatus.ABORTED, GoalStatus.PREEMPTED, GoalStatus.REJECTED,
            GoalStatus.RECALLED, GoalStatus.LOST}  # fmt: skip


class PoseServices:
    def __init__(self, controller: ArmController, action: str) -> None:
        self.controller = controller
        self.action = action
        path = rospy.get_param("~poses", str(package_file("config", "arm_poses.yaml")))
        self.poses = load_poses(path, controller.joints)
        self.pose_speed = float(rospy.get_param("~pose_speed", 0.6))
        self.rest_speed = float(rospy.get_param("~rest_speed", 0.25))
        self.replay_speed = float(rospy.get_param("~replay_speed", 0.6))
        self.taught: list[dict[str, float]] = []
        self._lock = threading.Lock()
        self.client = actionlib.ActionClient(action, FollowJointTrajectoryAction)
        self.recording = rospy.Publisher("/arm/teach/poses", String, queue_size=1, latch=True)
        self._publish_recording()
        for name in self.poses:
            rospy.Service(f"/arm/pose/{name}", Trigger, lambda _r, n=name: self.go_to(n))
        rospy.Subscriber("/arm/named_pose", String, self.on_named_pose, queue_size=1)
        rospy.Service("/arm/park", Trigger, self.on_park)
        rospy.Service("/arm/teach/record", Trigger, self.on_record)
        rospy.Service("/arm/teach/clear", Trigger, self.on_clear)
        rospy.Service("/arm/teach/play", Trigger, self.on_play)
        self.relax = rospy.ServiceProxy("/arm/relax", Trigger)

    def run(
        self, poses: list[dict[str, float]], speed: float, wait: bool = True
    ) -> TriggerResponse:
        """Visit the poses in order as one FollowJointTrajectory goal; the action's answer."""
        _, measured, _ = self.controller.wait_state(0.0)
        try:
            names, points = sequence_points(measured, poses, self.controller.joints, speed)
        except PoseError as error:
            return TriggerResponse(False, str(error))
        trajectory = JointTrajectory(
            joint_names=list(names),
            points=[
                JointTrajectoryPoint(positions=list(p), time_from_start=rospy.Duration(t))
                for t, p in points
            ],
        )
        if not self.client.wait_for_server(rospy.Duration(10)):
            return TriggerResponse(False, f"no action server at {self.action}")
        handle = self.client.send_goal(FollowJointTrajectoryGoal(trajectory=trajectory))
        if not wait:
            return TriggerResponse(True, "sent")
        deadline = rospy.get_time() + points[-1][0] + 30.0
        while handle.get_goal_status() not in TERMINAL and rospy.get_time() < deadline:
            rospy.sleep(0.05)
        result = handle.get_result()
        ok = handle.get_goal_status() == GoalStatus.SUCCEEDED
        return TriggerResponse(ok, result.error_string if result else "no answer from the action")

    def go_to(self, name: str, speed: float | None = None) -> TriggerResponse:
        answer = self.run([self.poses[name]], speed or self.pose_speed)
        if answer.success:
            answer.message = f"at {name}"
        return answer

    def go_to_rest_on_start(self) -> None:
        """Once the arm is measured and the e-stop released: to rest, slowly, unless another
        client (arm_ik, the dashboard) has commanded the arm by then."""
        while not rospy.is_shutdown() and (self.controller.stopped() or not self._measured()):
            rospy.sleep(0.1)
        # the shim plans from the /joint_states it has heard (from 0 for joints it has not): let
        # it connect and hear them before the first command
        while not rospy.is_shutdown() and not self.controller.output.get_num_connections():
            rospy.sleep(0.1)
        rospy.sleep(START_SETTLE)
        if caller := self.controller.taker(0.0):
            rospy.loginfo("start: %s commanded the arm first; not going to rest", caller)
        elif not rospy.is_shutdown():
            answer = self.go_to("rest", self.rest_speed)
            (rospy.loginfo if answer.success else rospy.logwarn)("start: %s", answer.message)

    def _measured(self) -> bool:
        return set(self.controller.joints) <= set(self.controller.wait_state(0.0)[1])

    def on_named_pose(self, msg: String) -> None:
        if msg.data not in self.poses:
            rospy.logerr("no pose named %r; known: %s", msg.data, ", ".join(sorted(self.poses)))
            return
        answer = self.run([self.poses[msg.data]], self.pose_speed, wait=False)
        if not answer.success:
            rospy.logerr("pose %s refused: %s", msg.data, answer.message)

    def on_park(self, _request) -> TriggerResponse:
        answer = self.go_to("rest")
        if not answer.success:
            return answer
        try:
            relaxed = self.relax()
        except (rospy.ServiceException, rospy.ROSException) as error:
            return TriggerResponse(False, f"at rest, but /arm/relax failed: {error}")
        return TriggerResponse(relaxed.success, f"at rest, then {relaxed.message}")

    def on_record(self, _request) -> TriggerResponse:
        _, measured, _ = self.controller.wait_state(0.0)
        pose = {n: measured[n] for n in self.controller.joints if n in measured}
        if len(pose) < len(self.controller.joints) or not all(map(math.isfinite, pose.values())):
            return TriggerResponse(False, "the arm's joints are not measured yet")
        with self._lock:
            self.taught.append(pose)
            count = len(self.taught)
        self._publish_recording()
        return TriggerResponse(True, f"pose {count} recorded")

    def on_clear(self, _request) -> TriggerResponse:
        with self._lock:
            self.taught.clear()
        self._publish_recording()
        return TriggerResponse(True, "recording cleared")

    def on_play(self, _request) -> TriggerResponse:
        with self._lock:
            poses = list(self.taught)
        answer = self.run(poses, self.replay_speed)
        if answer.success:
            answer.message = f"played {len(poses)} poses"
        return answer

    def _publish_recording(self) -> None:
        with self._lock:
            self.recording.publish(String(json.dumps(self.taught)))
