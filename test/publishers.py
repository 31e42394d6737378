"""Test-side publishers that play a user or a device at a steady rate (the base and world tests)."""

from __future__ import annotations

import threading


class Joints:
    """Publishes joint angles at 20 Hz, as the wheel plant and the pan driver would."""

    def __init__(self, rospy, topic: str, names: list[str]) -> None:
        from sensor_msgs.msg import JointState

        self.positions = dict.fromkeys(names, 0.0)
        self._msg_type, self._rospy = JointState, rospy
        self._pub = rospy.Publisher(topic, JointState, queue_size=5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            msg = self._msg_type()
            msg.header.stamp = self._rospy.Time.now()
            msg.name = list(self.positions)
            msg.position = list(self.positions.values())
            self._pub.publish(msg)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._pub.unregister()


class Driver:
    """Publishes /cmd_vel at 20 Hz like a teleop client, until stopped (no zero command sent)."""

    def __init__(self, rospy, linear: float, angular: float) -> None:
        from geometry_msgs.msg import Twist

        self._pub = rospy.Publisher("/cmd_vel", Twist, queue_size=1)
        self._msg = Twist()
        self._msg.linear.x, self._msg.angular.z = linear, angular
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._pub.publish(self._msg)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._pub.unregister()
