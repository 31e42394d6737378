"""The arm's IK node: gripper targets in, a joint trajectory out.

Subscribes /arm/xyzc (std_msgs/Float32MultiArray [x, y, z, claw] in arm_base_link, claw 0 closed
.. 1 open) and /arm/target (geometry_msgs/PointStamped in any tf frame; the claw stays as it is).
Publishes a one-point trajectory_msgs/JointTrajectory on ~output_topic (/arm/joint_command; the
launch files route it through the smoothing shim, /arm/smooth_command) and the result of every
request on /arm/ik_status (std_msgs/String, JSON: ok, reason, target, adjusted, joints).
Params: ~pitch (gripper pitch held, rad, 0 = level), ~unreachable ("reject" or "nearest"),
~move_time (s for the move; 0 lets the receiver go as fast as the joint limits allow).
"""

from __future__ import annotations

import json
import math

import rospy
import tf2_geometry_msgs  # noqa: F401  (registers PointStamped with tf2)
import tf2_ros
from geometry_msgs.msg import PointStamped
from std_msgs.msg import Float32MultiArray, String
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.kinematics import ArmKinematics, IkResult
from terry.model import load_robot

ARM_FRAME = "arm_base_link"


class ArmIk:
    def __init__(self) -> None:
        self.arm = ArmKinematics.from_robot(load_robot())
        self.pitch = float(rospy.get_param("~pitch", 0.0))
        if not -math.pi / 2 <= self.pitch <= math.pi / 2:  # also refuses NaN
            raise ValueError(
                f"~pitch must be a gripper pitch in -pi/2 .. pi/2 rad, got {self.pitch}"
            )
        mode = rospy.get_param("~unreachable", "reject")
        if mode not in ("reject", "nearest"):
            raise ValueError(f"~unreachable must be 'reject' or 'nearest', got {mode!r}")
        self.nearest = mode == "nearest"
        self.move_time = float(rospy.get_param("~move_time", 0.0))
        if not 0.0 <= self.move_time < math.inf:
            raise ValueError(
                f"~move_time must be 0 (as fast as allowed) or more s, got {self.move_time}"
            )
        self.tf = tf2_ros.Buffer()
        self._listener = tf2_ros.TransformListener(self.tf)
        topic = rospy.get_param("~output_topic", "/arm/joint_command")
        self.output = rospy.Publisher(topic, JointTrajectory, queue_size=10)
        self.status = rospy.Publisher("/arm/ik_status", String, queue_size=10, latch=True)
        rospy.Subscriber("/arm/xyzc", Float32MultiArray, self.on_xyzc, queue_size=10)
        rospy.Subscriber("/arm/target", PointStamped, self.on_target, queue_size=10)
        rospy.loginfo("arm IK ready: targets on /arm/xyzc and /arm/target, output on %s", topic)

    def refuse(self, reason: str, target: object = None) -> None:
        rospy.logerr("arm target refused, nothing moves: %s", reason)
        answer = {"ok": False, "reason": reason, "target": target, "adjusted": None, "joints": {}}
        self.status.publish(as_json(answer))

    def on_xyzc(self, msg: Float32MultiArray) -> None:
        data = list(msg.data)
        if len(data) != 4:
            self.refuse(f"/arm/xyzc needs [x, y, z, claw], got {len(data)} values", data)
            return
        if not all(math.isfinite(v) for v in data):
            self.refuse(f"/arm/xyzc values must be finite numbers, got {data}", data)
            return
        x, y, z, claw = data
        if not 0.0 <= claw <= 1.0:
            self.refuse(f"claw must be 0 (closed) .. 1 (open), got {claw}", data)
            return
        self.move(x, y, z, claw)

    def on_target(self, msg: PointStamped) -> None:
        p = msg.point
        if not all(math.isfinite(v) for v in (p.x, p.y, p.z)):
            self.refuse(f"/arm/target must be finite, got {p.x}, {p.y}, {p.z}")
            return
        try:
            local = self.tf.transform(msg, ARM_FRAME, timeout=rospy.Duration(0.5))
        except tf2_ros.TransformException as error:
            where = f"cannot express the point from {msg.header.frame_id!r} in {ARM_FRAME}"
            self.refuse(f"{where}: {error}", [p.x, p.y, p.z])
            return
        self.move(local.point.x, local.point.y, local.point.z, None)  # the claw stays as is

    def move(self, x: float, y: float, z: float, claw: float | None) -> None:
        result = self.arm.solve(x, y, z, claw or 0.0, self.pitch, nearest=self.nearest)
        if not result.ok:
            self.refuse(result.reason, [x, y, z])
            return
        joints = dict(result.joints)
        if claw is None:
            del joints["arm_claw"]  # /arm/target leaves the claw as it is
        if result.reason:
            rospy.logwarn("arm target adjusted: %s", result.reason)
        point = JointTrajectoryPoint(
            positions=list(joints.values()), time_from_start=rospy.Duration(self.move_time)
        )
        self.output.publish(JointTrajectory(joint_names=list(joints), points=[point]))
        self.status.publish(as_json(status_of(result, joints)))


def as_json(answer: dict[str, object]) -> str:
    """Strict JSON (browsers refuse NaN): a non-finite number becomes null; the reason says it."""

    def clean(value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return json.dumps(clean(answer), allow_nan=False)


def status_of(result: IkResult, joints: dict[str, float]) -> dict[str, object]:
    """The answer on /arm/ik_status, with the joints actually commanded."""
    return {
        "ok": result.ok,
        "reason": result.reason,
        "target": list(result.target),
        "adjusted": list(result.adjusted) if result.adjusted else None,
        "joints": joints,
    }


def main() -> None:
    rospy.init_node("arm_ik")
    try:
        ArmIk()
    except ValueError as error:  # a bad parameter: say which, and stop
        rospy.logfatal("arm_ik cannot start: %s", error)
        raise SystemExit(1) from None
    rospy.spin()
