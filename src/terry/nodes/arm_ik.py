"""The arm's IK node: gripper targets in, a joint trajectory out.

Subscribes /arm/xyzc (std_msgs/Float32MultiArray [x, y, z, claw] in arm_base_link, claw 0 closed
.. 1 open) and /arm/target (geometry_msgs/PointStamped in any tf frame; the claw stays as it is).
Publishes a one-point trajectory_msgs/JointTrajectory on ~output_topic (/arm/smooth_command,
through the smoothing shim; /arm/joint_command goes straight to the servo driver) and the result
of every request on /arm/ik_status (std_msgs/String, JSON: ok, reason, target, adjusted, joints).
Params: ~pitch (gripper pitch held, rad, 0 = level), ~unreachable ("reject" or "nearest"),
~move_time (s for the move; 0 lets the receiver go as fast as the joint limits allow).
The logic is `terry.arm.targets.TargetSolver`; this node adds tf and the topics.
"""

from __future__ import annotations

import rospy
import tf2_geometry_msgs  # noqa: F401  (registers PointStamped with tf2)
import tf2_ros
from geometry_msgs.msg import PointStamped
from std_msgs.msg import Float32MultiArray, String
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.kinematics import ArmKinematics
from terry.arm.targets import Answer, TargetSolver, as_json, refusal
from terry.model import load_robot
from terry.nodes.startup import start

ARM_FRAME = "arm_base_link"
TF_TIMEOUT = 0.5  # s to wait for a transform of a target's frame


class ArmIk:
    def __init__(self) -> None:
        self.solver = TargetSolver(
            ArmKinematics.from_robot(load_robot()),
            pitch=float(rospy.get_param("~pitch", 0.0)),
            unreachable=rospy.get_param("~unreachable", "reject"),
            move_time=float(rospy.get_param("~move_time", 0.0)),
        )
        self.tf = tf2_ros.Buffer()
        self._listener = tf2_ros.TransformListener(self.tf)
        topic = rospy.get_param("~output_topic", "/arm/smooth_command")
        self.output = rospy.Publisher(topic, JointTrajectory, queue_size=10)
        self.status = rospy.Publisher("/arm/ik_status", String, queue_size=10, latch=True)
        rospy.Subscriber("/arm/xyzc", Float32MultiArray, self.on_xyzc, queue_size=10)
        rospy.Subscriber("/arm/target", PointStamped, self.on_target, queue_size=10)
        rospy.loginfo("arm IK ready: targets on /arm/xyzc and /arm/target, output on %s", topic)

    def on_xyzc(self, msg: Float32MultiArray) -> None:
        self.answer(self.solver.xyzc(msg.data))

    def on_target(self, msg: PointStamped) -> None:
        p = msg.point
        answer = self.solver.unusable(p.x, p.y, p.z)  # checked before tf sees the numbers
        if answer is None:
            try:
                local = self.tf.transform(msg, ARM_FRAME, timeout=rospy.Duration(TF_TIMEOUT))
            except tf2_ros.TransformException as error:
                where = f"cannot express the point from {msg.header.frame_id!r} in {ARM_FRAME}"
                answer = refusal(f"{where}: {error}", [p.x, p.y, p.z])
            else:
                answer = self.solver.point(local.point.x, local.point.y, local.point.z)
        self.answer(answer)

    def answer(self, answer: Answer) -> None:
        """Publish the joints (if any) and the status."""
        if not answer.ok:
            rospy.logerr("arm target refused, nothing moves: %s", answer.status["reason"])
        else:
            if answer.status["reason"]:
                rospy.logwarn("arm target adjusted: %s", answer.status["reason"])
            point = JointTrajectoryPoint(
                positions=list(answer.joints.values()),
                time_from_start=rospy.Duration(self.solver.move_time),
            )
            self.output.publish(JointTrajectory(joint_names=list(answer.joints), points=[point]))
        self.status.publish(as_json(answer.status))


def main() -> None:
    start("arm_ik", ArmIk)
    rospy.spin()
