"""The pan_tilt node with the real firmware (host build) on a pty, through real ROS: radar mode
turns pan_joint at the commanded rate and the Kinect's tf frame with it; bad commands and
commands while the board is unplugged move nothing; the node reconnects by itself after a replug.
"""

from __future__ import annotations

import math
import threading

import pytest
from fixtures.estop import fresh_estop
from fixtures.harness import wait_for
from fixtures.pan_tilt import Board

SPEED = 0.15  # rad/s, under the pan joint's 0.17 rad/s limit


class Watch:
    """The latest pan/tilt joint state and pan/tilt board diagnostics, from real subscribers."""

    def __init__(self, rospy) -> None:
        from diagnostic_msgs.msg import DiagnosticArray
        from sensor_msgs.msg import JointState

        self.joints: list = []
        self.diagnostics = None
        self._lock = threading.Lock()
        self._rospy = rospy
        self._subs = [
            rospy.Subscriber("/joint_states", JointState, self._on_joints),
            rospy.Subscriber("/diagnostics", DiagnosticArray, self._on_diagnostics),
        ]

    def _on_joints(self, msg) -> None:
        if "pan_joint" in msg.name:
            with self._lock:
                self.joints = [*self.joints[-200:], msg]

    def _on_diagnostics(self, msg) -> None:
        for status in msg.status:
            if status.name == "pan/tilt board":
                self.diagnostics = status

    def latest(self):
        with self._lock:
            return self.joints[-1] if self.joints else None

    def publisher(self, topic: str, kind):
        """A latched publisher, unregistered by close() so later tests never hear it."""
        pub = self._rospy.Publisher(topic, kind, queue_size=1, latch=True)
        self._subs.append(pub)
        wait_for(lambda: pub.get_num_connections() > 0, 20, f"the node subscribed to {topic}")
        return pub

    def estop(self) -> str | None:
        """The e-stop state the node reports on /diagnostics: not heard yet, engaged, released."""
        values = dict((v.key, v.value) for v in self.diagnostics.values) if self.diagnostics else {}
        return values.get("estop")

    def pan(self) -> float:
        return self.latest().position[0]

    def close(self) -> None:
        for sub in self._subs:
            sub.unregister()


def yaw(q) -> float:
    return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))


def test_radar_mode_turns_pan_joint_and_the_kinect_frame(ros_master, rospy_node, roslaunch):
    import tf2_ros
    from std_msgs.msg import Float64

    rospy = rospy_node
    fresh_estop(rospy)
    roslaunch("description.launch")
    roslaunch("safety.launch")
    roslaunch("pan_tilt.launch", sim="true")
    watch = Watch(rospy)
    buffer = tf2_ros.Buffer()
    _listener = tf2_ros.TransformListener(buffer)
    try:
        try:
            wait_for(watch.latest, 30, "pan_joint on /joint_states")
        except AssertionError as error:  # seen once in a whole-suite run: say what the node said
            raise AssertionError(f"{error}; pan/tilt diagnostics: {watch.diagnostics}") from None
        wait_for(lambda: watch.estop() == "e-stop released", 20, "the node to hear: released")
        watch.publisher("/pan/velocity", Float64).publish(Float64(SPEED))
        wait_for(lambda: watch.latest().velocity[0] > SPEED * 0.9, 20, "the pan at speed")
        first = watch.latest()
        wait_for(lambda: (watch.latest().header.stamp - first.header.stamp).to_sec() > 3, 20, "3 s")
        last = watch.latest()
        rate = (last.position[0] - first.position[0]) / (
            last.header.stamp - first.header.stamp
        ).to_sec()
        assert rate == pytest.approx(SPEED, rel=0.1)

        def kinect_follows() -> bool:
            joints = watch.latest()
            tf = buffer.lookup_transform(
                "base_link", "camera_link", joints.header.stamp, rospy.Duration(1)
            )
            error = (yaw(tf.transform.rotation) - joints.position[0] + math.pi) % (2 * math.pi)
            return abs(error - math.pi) < 0.02 and abs(joints.position[0]) > 0.3

        wait_for(kinect_follows, 20, "camera_link's yaw in base_link to equal pan_joint")
    finally:
        watch.close()


def test_bad_commands_and_unplugged_board_move_nothing_and_replug_recovers(
    ros_master, rospy_node, ros_process, roslaunch, run_dir
):
    from std_msgs.msg import Bool, Float64

    rospy = rospy_node
    fresh_estop(rospy)
    board = Board(run_dir / "pan_tilt")
    board.plug()
    roslaunch("safety.launch")
    ros_process("rosrun", "terry", "pan_tilt", f"_port:={board.link}")
    watch = Watch(rospy)
    try:
        wait_for(watch.latest, 30, "pan_joint on /joint_states")
        pan, tilt = (
            watch.publisher("/pan/command", Float64),
            watch.publisher("/tilt/command", Float64),
        )
        for bad in (math.nan, math.inf):
            pan.publish(Float64(bad))
        estop = watch.publisher("/estop", Bool)
        wait_for(lambda: watch.estop() == "e-stop released", 20, "the node to hear: released")
        tilt.publish(Float64(1.2))  # beyond the URDF's 0.6 rad
        # Faster than the firmware's 0.17 rad/s: refused by the node or the board, either way.
        watch.publisher("/pan/velocity", Float64).publish(Float64(0.18))
        stamp = watch.latest().header.stamp
        wait_for(lambda: (watch.latest().header.stamp - stamp).to_sec() > 1, 10, "1 s more")
        assert watch.latest().position == (0.0, 0.0)

        board.unplug()
        wait_for(
            lambda: watch.diagnostics and watch.diagnostics.level == 2, 20, "an ERROR diagnostic"
        )
        pan.publish(Float64(0.4))  # refused: nothing to send it to, and not replayed later
        board.plug()
        wait_for(
            lambda: (
                watch.diagnostics.level == 0
                and dict((v.key, v.value) for v in watch.diagnostics.values)["reconnects"] != "0"
            ),
            30,
            "the node to reconnect by itself",
        )
        stamp = watch.latest().header.stamp
        wait_for(lambda: (watch.latest().header.stamp - stamp).to_sec() > 1, 10, "1 s more")
        assert watch.pan() == 0.0
        pan.publish(Float64(0.2))
        wait_for(lambda: abs(watch.pan() - 0.2) < 0.005, 20, "the pan at 0.2 rad after replug")

        estop.publish(Bool(True))
        wait_for(lambda: "engaged" in (watch.estop() or ""), 10, "the node to hear: engaged")
        stamp = watch.latest().header.stamp
        wait_for(lambda: (watch.latest().header.stamp - stamp).to_sec() > 0.5, 10, "0.5 s more")
        stopped = watch.pan()  # where the e-stop left it (it may coast a little)
        pan.publish(Float64(0.5))  # refused while the e-stop is engaged
        stamp = watch.latest().header.stamp
        wait_for(lambda: (watch.latest().header.stamp - stamp).to_sec() > 1, 10, "1 s more")
        assert abs(watch.pan() - stopped) < 0.001
        estop.publish(Bool(False))
    finally:
        watch.close()
        board.unplug()
