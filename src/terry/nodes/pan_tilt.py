"""The pan/tilt unit's node: /pan/command, /pan/velocity, /tilt/command and /estop/state in, to the
pan/tilt firmware over the serial link; pan_joint and tilt_joint on /joint_states out, one message
per state the board reports (50 Hz, so robot_state_publisher turns the Kinect's frames) while the
unit moves and ~rest_rate (10 Hz) while it is still, and the link's health on /diagnostics.

Params: ~port (required: a name or /dev/serial/by-id path; launch/pan_tilt.launch passes it),
~baud, ~rest_rate (Hz). The link resends the latest command whenever the host has been silent
for 100 ms. Joint limits come from urdf/terry.urdf. Bad commands are logged with the reason and
move nothing; nothing moves until the e-stop state has been heard from the estop node
(launch/safety.launch), and the unit stops when that state says engaged or falls silent.
The pan motor's gains and limits: dynamic_reconfigure (terry.nodes.tuning_server), ~tuning_file.
"""

from __future__ import annotations

import rospy
from diagnostic_msgs.msg import DiagnosticStatus, KeyValue
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool, Float64

from terry.link import messages as m
from terry.model import load_robot
from terry.nodes.link_diagnostics import BoardReport, guarded
from terry.nodes.startup import start
from terry.nodes.tuning_server import motor_spec, serve_tuning
from terry.safety.estop import STATE_TOPIC, Change, EstopWatch
from terry.sensors.pacing import Pacer
from terry.sensors.pan_tilt import PanTiltLimits, PanTiltReading, PanTiltUnit

JOINTS = ("pan_joint", "tilt_joint")


class PanTiltNode:
    def __init__(self) -> None:
        robot = load_robot()
        pan, tilt = (robot.joint(name) for name in JOINTS)
        limits = PanTiltLimits(tilt.lower, tilt.upper, pan.velocity)
        self.report = BoardReport("pan/tilt board", self._adjust_status)
        self.joint_pub = rospy.Publisher("joint_states", JointState, queue_size=10)
        self.pacer = Pacer(rospy.get_param("~rest_rate", 10.0))
        self.unit = PanTiltUnit(
            rospy.get_param("~port"),
            rospy.get_param("~baud", 115200),
            limits,
            on_reading=self._publish_joints,
            on_refusal=lambda reason: rospy.logerr(f"pan_tilt: {reason}"),
            on_up=self.report.on_up,
            on_lost=self.report.on_lost,
            tuning=motor_spec("pan"),
        )
        self.tuning = serve_tuning(self.unit.tuner)
        self.report.watch(self.unit.link)
        rospy.Subscriber("pan/command", Float64, self._command(self.unit.pan_to), queue_size=1)
        rospy.Subscriber("pan/velocity", Float64, self._command(self.unit.pan_at), queue_size=1)
        rospy.Subscriber("tilt/command", Float64, self._command(self.unit.tilt_to), queue_size=1)
        self.estop = EstopWatch()
        rospy.Subscriber(STATE_TOPIC, Bool, guarded(self._on_estop_state), queue_size=1)
        self._estop_timer = rospy.Timer(rospy.Duration(0.2), guarded(self._check_estop))
        self.unit.start()

    @staticmethod
    def _command(command):
        def callback(msg: Float64) -> None:
            reason = command(msg.data)
            if reason:
                rospy.logerr(f"pan_tilt: {reason}")

        callback.__name__ = command.__name__
        return guarded(callback)

    def _on_estop_state(self, msg: Bool) -> None:
        self._apply(self.estop.heard(msg.data, rospy.get_time()))

    def _check_estop(self, _event: rospy.timer.TimerEvent) -> None:
        self._apply(self.estop.check(rospy.get_time()))

    def _apply(self, change: Change | None) -> None:
        if change is not None:
            (rospy.logwarn if change.stopped else rospy.loginfo)(f"pan_tilt: {change.reason}")
            self.unit.set_stopped(change.stopped, change.reason)

    def _publish_joints(self, reading: PanTiltReading) -> None:
        stamp = rospy.Time.now()
        moving = reading.pan_velocity != 0.0
        if not self.pacer.due(stamp.to_sec(), moving, (reading.pan, reading.tilt)):
            return
        msg = JointState()
        msg.header.stamp = stamp
        msg.name = list(JOINTS)
        msg.position = [reading.pan, reading.tilt]
        msg.velocity = [reading.pan_velocity, 0.0]
        self.joint_pub.publish(msg)

    def _adjust_status(self, status: DiagnosticStatus) -> None:
        board_status = self.unit.link.health.board_status
        stopped = bool(board_status.flags & m.FLAG_WATCHDOG) if board_status else False
        status.values.append(KeyValue("watchdog_stopped", str(stopped)))
        status.values.append(KeyValue("estop", self.estop.reason(rospy.get_time())))


def main() -> None:
    node = start("pan_tilt", PanTiltNode)
    rospy.on_shutdown(node.unit.close)
    rospy.spin()
