"""Shared pieces of the arm's real-master tests: the arm brought up by launch/arm.launch (once
per module: `yield from bring_up_arm(...)` in a module-scoped fixture), the gripper's pose from
tf (robot_state_publisher) and the arm at rest."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from harness import ProcessGroup, Recorder, ros_environment, wait_for

TOLERANCE = 0.002  # m
LEVEL = math.radians(1.0)


@dataclass
class Arm:
    """The running arm: tf buffer, /joint_states and /arm/ik_status recorders, publishers."""

    rospy: Any
    buffer: Any
    states: Recorder
    status: Recorder
    xyzc: Any
    target: Any

    def gripper_pose(self) -> tuple[tuple[float, float, float], float]:
        """Gripper point in arm_base_link, and the pitch of its x axis (0 = level)."""
        t = self.buffer.lookup_transform("arm_base_link", "gripper_link", self.rospy.Time(0))
        q = t.transform.rotation
        x_axis_z = 2 * (q.x * q.z - q.w * q.y)  # z component of the gripper's x axis
        p = t.transform.translation
        return (p.x, p.y, p.z), math.asin(max(-1.0, min(1.0, x_axis_z)))

    def at(self, point: tuple[float, float, float]) -> bool:
        try:
            return math.dist(self.gripper_pose()[0], point) < TOLERANCE
        except Exception:  # tf not there yet
            return False

    def joints(self) -> dict[str, float]:
        last = self.states.snapshot()[-1]
        return dict(zip(last.name, last.position, strict=False))

    def settled_at(self, joints: dict[str, float]) -> bool:
        """Measured joints where the IK sent them (within the Maestro's read-back steps)."""
        measured = self.joints()
        return all(abs(measured[name] - value) < 2e-3 for name, value in joints.items())

    def answer_to(self, point: tuple[float, float, float]) -> dict[str, Any]:
        """The IK's answer on /arm/ik_status to a target (not to an earlier one)."""
        import json

        def answer() -> dict[str, Any] | None:
            for msg in reversed(self.status.snapshot()):
                reply = json.loads(msg.data)
                if reply["target"] and math.dist(reply["target"], point) < 1e-6:
                    return reply
            return None

        return wait_for(answer, 20, f"the IK's answer to {point} on /arm/ik_status")

    def send(self, x: float, y: float, z: float, claw: float) -> dict[str, Any]:
        """Publish on /arm/xyzc; the IK's answer on /arm/ik_status."""
        from std_msgs.msg import Float32MultiArray

        self.status.clear()
        self.xyzc.publish(Float32MultiArray(data=[x, y, z, claw]))
        return self.answer_to((x, y, z))

    def wait_at_rest(self, answer: dict[str, Any]) -> None:
        """Until the joints are where the answer sent them (within 2 mm the arm still moves),
        and tf has caught up with them."""
        wait_for(lambda: self.settled_at(answer["joints"]), 30, f"the arm at rest: {answer}")
        settled = self.rospy.Time.now()
        wait_for(lambda: self._tf_stamp() > settled, 10, "tf from the joints at rest")

    def _tf_stamp(self) -> Any:
        try:
            t = self.buffer.lookup_transform("arm_base_link", "gripper_link", self.rospy.Time(0))
        except Exception:  # tf not there yet
            return self.rospy.Time(0)
        return t.header.stamp


def maestro_connected(diagnostics: Recorder) -> bool:
    return any(
        status.name.startswith("servo_driver")
        and any(kv.key == "connected" and kv.value == "True" for kv in status.values)
        for msg in diagnostics.snapshot()
        for status in msg.status
    )


def bring_up_arm(rospy, ros_master, run_dir, **launch_args: object) -> Iterator[Arm]:
    """Start arm.launch (simulated Maestro) and wait until arm_ik answers; stop it after."""
    import tf2_ros
    from diagnostic_msgs.msg import DiagnosticArray
    from geometry_msgs.msg import PointStamped
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Float32MultiArray, String

    env = ros_environment(ros_master.uri, ros_master.home, run_dir)
    (run_dir / "logs").mkdir(exist_ok=True)
    group = ProcessGroup(env, run_dir / "logs")
    args = {"sim": "true", **launch_args}
    group.start("roslaunch", "terry", "arm.launch", *(f"{k}:={v}" for k, v in args.items()))
    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    arm = Arm(
        rospy,
        buffer,
        Recorder("/joint_states", JointState),
        Recorder("/arm/ik_status", String),
        rospy.Publisher("/arm/xyzc", Float32MultiArray, queue_size=10),
        rospy.Publisher("/arm/target", PointStamped, queue_size=10),
    )
    diagnostics = Recorder("/diagnostics", DiagnosticArray)
    try:
        arm.states.wait_count(1, timeout=60)
        # the servo driver drops commands until it has the Maestro: wait for the link first
        wait_for(lambda: maestro_connected(diagnostics), 60, "servo_driver connected")

        def answers() -> bool:  # the whole chain is up: arm_ik answers and the arm moves
            arm.xyzc.publish(Float32MultiArray(data=[0.15, 0.0, 0.12, 0.0]))
            return bool(arm.status.wait_any(0.5))

        wait_for(answers, 60, "arm_ik answering on /arm/ik_status")
        wait_for(lambda: arm.at((0.15, 0.0, 0.12)), 30, "the arm at its start point")
        yield arm
    except BaseException:
        print(group.report())
        raise
    finally:
        del listener
        for topic in (arm.xyzc, arm.target, arm.states, arm.status, diagnostics):
            (topic.close if isinstance(topic, Recorder) else topic.unregister)()
        group.stop_all()
