"""The pan/tilt unit's node: /pan/command, /pan/velocity, /tilt/command and /estop in, to the
pan/tilt firmware over the serial link; pan_joint and tilt_joint on /joint_states out (so
robot_state_publisher turns the Kinect's frames), and the link's health on /diagnostics.

Params: ~port (a name or /dev/serial/by-id path), ~baud, ~rate (command resend rate, Hz).
Joint limits come from urdf/terry.urdf. Bad commands are logged with the reason and move nothing.
"""

from __future__ import annotations

import rospy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool, Float64

from terry.link.transport import describe
from terry.pan_tilt import PanTiltLimits, PanTiltUnit
from terry.robot_model import load_robot

JOINTS = ("pan_joint", "tilt_joint")
HEALTH_COUNTERS = (
    "frames_in",
    "frames_out",
    "crc_errors",
    "framing_errors",
    "dropped_bytes",
    "lost_frames",
    "nacks",
    "reconnects",
)


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
        link = self.unit.link
        health = link.health
        status = DiagnosticStatus(name="pan/tilt board", hardware_id=link.port)
        connected = link.connected.is_set()
        status.level = DiagnosticStatus.OK if connected else DiagnosticStatus.ERROR
        status.message = health.last_error or health.state
        status.values = [KeyValue(key, str(getattr(health, key))) for key in HEALTH_COUNTERS]
        status.values.append(KeyValue("board", describe(health.board)))
        flags = health.board_status.flags if health.board_status else 0
        status.values.append(KeyValue("watchdog_stopped", str(bool(flags & 0x02))))
        msg = DiagnosticArray(status=[status])
        msg.header.stamp = rospy.Time.now()
        self.diagnostics_pub.publish(msg)


def main() -> None:
    rospy.init_node("pan_tilt")
    node = PanTiltNode()
    rospy.on_shutdown(node.unit.close)
    rospy.spin()
