"""The pan/tilt unit's node: /pan/command, /pan/velocity, /tilt/command and /estop in, to the
pan/tilt firmware over the serial link; pan_joint and tilt_joint on /joint_states out (so
robot_state_publisher turns the Kinect's frames), and the link's health on /diagnostics.

Params: ~port (a name or /dev/serial/by-id path), ~baud, ~rate (command resend rate, Hz).
Joint limits come from urdf/terry.urdf. Bad commands are logged with the reason and move nothing.
"""

from __future__ import annotations

import rospy
from diagnostic_msgs.msg import DiagnosticArray
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool, Float64

from terry.model import load_robot
from terry.nodes.link_diagnostics import link_status, publish_status
from terry.sensors.pan_tilt import PanTiltLimits, PanTiltUnit

JOINTS = ("pan_joint", "tilt_joint")


class PanTiltNode:
    def __init__(self) -> None:
        robot = load_robot()
        pan, tilt = (robot.joint(name) for name in JOINTS)
        limits = PanTiltLimits(tilt.lower, tilt.upper, pan.velocity)
        self.unit = PanTiltUnit(
            rospy.get_param("~port", "/dev/ttyACM0"), rospy.get_param("~baud", 115200), limits
        )
        self.joint_pub = rospy.Publisher("joint_states", JointState, queue_size=10)
        self.diagnostics_pub = rospy.Publisher("diagnostics", DiagnosticArray, queue_size=1)
        self._last_millis: int | None = None
        rospy.Subscriber("pan/command", Float64, self._report(self.unit.pan_to), queue_size=1)
        rospy.Subscriber("pan/velocity", Float64, self._report(self.unit.pan_at), queue_size=1)
        rospy.Subscriber("tilt/command", Float64, self._report(self.unit.tilt_to), queue_size=1)
        rospy.Subscriber("estop", Bool, self._on_estop, queue_size=1)
        rate = rospy.get_param("~rate", 20.0)
        self._timer = rospy.Timer(rospy.Duration(1.0 / rate), self._tick)
        self._joints_timer = rospy.Timer(rospy.Duration(0.02), self._publish_joints)
        self._health_timer = rospy.Timer(rospy.Duration(1.0), self._report_health)

    @staticmethod
    def _report(command):
        def callback(msg: Float64) -> None:
            reason = command(msg.data)
            if reason:
                rospy.logerr(f"pan_tilt: {reason}")

        return callback

    def _on_estop(self, msg: Bool) -> None:
        rospy.logwarn(f"pan_tilt: e-stop {'engaged' if msg.data else 'released'}")
        self.unit.set_estop(msg.data)

    def _tick(self, _event: rospy.timer.TimerEvent) -> None:
        refusal = self.unit.take_refusal()
        if refusal:
            rospy.logerr(f"pan_tilt: {refusal}")
        self.unit.tick()

    def _publish_joints(self, _event: rospy.timer.TimerEvent) -> None:
        reading = self.unit.reading
        if reading is None or reading.board_millis == self._last_millis:
            return
        self._last_millis = reading.board_millis
        msg = JointState()
        msg.header.stamp = rospy.Time.now()
        msg.name = list(JOINTS)
        msg.position = [reading.pan, reading.tilt]
        msg.velocity = [reading.pan_velocity, 0.0]
        self.joint_pub.publish(msg)

    def _report_health(self, _event: rospy.timer.TimerEvent) -> None:
        board_status = self.unit.link.health.board_status
        stopped = bool(board_status.flags & 0x02) if board_status else False
        extra = {"watchdog_stopped": str(stopped)}
        publish_status(self.diagnostics_pub, link_status("pan/tilt board", self.unit.link, extra))


def main() -> None:
    rospy.init_node("pan_tilt")
    node = PanTiltNode()
    rospy.on_shutdown(node.unit.close)
    rospy.spin()
