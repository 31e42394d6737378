"""The servo_calibration node: `calibrate_servos` (terry.bringup.calibrate_servos) for a remote
user, the dashboard's servo calibration page: the same tool, the same questions, the same file.

Subscribes: servo_calibration/input (std_msgs/String): `start` (every arm joint) or
`start JOINT,JOINT`, then one answer at a time as the tool asks (+ - > < y n s q), or `stop`
(kills the tool: nothing is written). Publishes: servo_calibration/output (std_msgs/String: each
line the tool prints), servo_calibration/state (std_msgs/String, latched JSON: running, joints,
the last line, the exit status). Params: ~calibration (the servo driver's file, default
config/servos.yaml).
"""

from __future__ import annotations

import json
import threading

import rospy
from std_msgs.msg import String

from terry.bringup.tool_session import ToolSession
from terry.model import ARM_JOINTS
from terry.nodes.startup import start
from terry.paths import package_file

PUBLISHES = ("servo_calibration/output", "servo_calibration/state")
SUBSCRIBES = ("servo_calibration/input",)
TOOL = "terry.bringup.calibrate_servos"


class ServoCalibrationNode:
    def __init__(self) -> None:
        self.calibration = str(
            rospy.get_param("~calibration", str(package_file("config", "servos.yaml")))
        )
        self._lock = threading.Lock()
        self._session: ToolSession | None = None
        self._state = {"running": False, "joints": [], "last": "", "exit": None}
        self.output = rospy.Publisher(PUBLISHES[0], String, queue_size=100)
        self.state = rospy.Publisher(PUBLISHES[1], String, queue_size=1, latch=True)
        rospy.Subscriber(SUBSCRIBES[0], String, self._on_input, queue_size=20)
        self._publish()

    def _on_input(self, msg: String) -> None:
        text = msg.data.strip()
        with self._lock:
            running = self._session is not None and self._session.running
            if text == "start" or text.startswith("start "):
                self._start(text[len("start") :].strip(), running)
            elif text == "stop":
                if running:
                    self._session.stop()
            elif not running:
                self._say("not calibrating: send start first")
            else:
                try:
                    self._session.send(text)
                except (ValueError, RuntimeError) as error:
                    self._say(f"not sent: {error}")

    def _start(self, joints_text: str, running: bool) -> None:
        if running:
            self._say("already calibrating (stop it first)")
            return
        joints = [j.strip() for j in joints_text.split(",") if j.strip()] or list(ARM_JOINTS)
        unknown = [j for j in joints if j not in ARM_JOINTS]
        if unknown:
            self._say(f"unknown joints {unknown}: the arm's are {', '.join(ARM_JOINTS)}")
            return
        args = ["--calibration", self.calibration, "--joints", ",".join(joints)]
        self._state.update(running=True, joints=joints, last="", exit=None)
        self._session = ToolSession(TOOL, args, self._on_line, self._on_end)
        self._publish()

    def _on_line(self, line: str) -> None:
        self.output.publish(String(line))
        with self._lock:
            self._state["last"] = line
            self._publish()

    def _on_end(self, status: int) -> None:
        with self._lock:
            self._state.update(running=False, exit=status)
            self._publish()

    def _say(self, text: str) -> None:
        """A line of the node's own (not the tool's), as output and in the state."""
        rospy.logwarn(f"servo_calibration: {text}")
        self.output.publish(String(f"servo_calibration: {text}"))
        self._state["last"] = f"servo_calibration: {text}"
        self._publish()

    def _publish(self) -> None:
        self.state.publish(String(json.dumps(self._state)))

    def stop(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.stop()


def main() -> None:
    node = start("servo_calibration", ServoCalibrationNode)
    rospy.on_shutdown(node.stop)
    rospy.spin()
