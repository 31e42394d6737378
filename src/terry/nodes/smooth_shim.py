"""The sinusoidal trajectory shim: smooth motion for anything publishing /arm/smooth_command.

Subscribes /arm/smooth_command (trajectory_msgs/JointTrajectory), /joint_states (seeds the
commanded state when the shim is at rest) and /estop/state (std_msgs/Bool from the estop node:
stopped until heard, and when silent). Publishes /arm/joint_command: with smoothing on, one
single-point trajectory per period (positions, velocities, time_from_start = one period) while a
move runs; with smoothing off, every valid command forwarded unchanged. Service
/arm/smooth/set_enabled (std_srvs/SetBool). Params: ~enabled (live, read every ~poll_period s),
~mode (live: stop or pass_through), ~rate (50 Hz), ~max_acceleration (8 rad/s^2), ~poll_period
(0.2 s). An empty trajectory stops at once. The logic is `terry.arm.stream.SmoothStream`.
"""

from __future__ import annotations

import logging

import rospy
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from std_srvs.srv import SetBool, SetBoolResponse
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.smoothing import PASS_THROUGH, Smoother
from terry.arm.stream import Setpoint, SmoothStream
from terry.model import ARM_JOINTS, load_robot
from terry.safety.estop import STATE_TOPIC

LOG_REPEAT = 2.0  # s: the same refusal (a client publishing at 50 Hz) is logged once per period
LOG = {logging.INFO: rospy.loginfo, logging.WARNING: rospy.logwarn, logging.ERROR: rospy.logerr}


def log(level: int, message: str) -> None:
    LOG[level](f"smooth_shim: {message}")


class SmoothShim:
    def __init__(self) -> None:
        robot = load_robot()
        smoother = Smoother(
            {name: robot.joint(name) for name in ARM_JOINTS},
            max_acceleration=float(rospy.get_param("~max_acceleration", 8.0)),
        )
        self.stream = SmoothStream(
            smoother,
            1.0 / float(rospy.get_param("~rate", 50.0)),
            log,
            enabled=bool(rospy.get_param("~enabled", True)),
        )
        self._read_mode(rospy.get_param("~mode", PASS_THROUGH))
        rospy.set_param("~enabled", self.stream.enabled)
        self.output = rospy.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
        rospy.Subscriber("/arm/smooth_command", JointTrajectory, self.on_command, queue_size=50)
        rospy.Subscriber("/joint_states", JointState, self.on_joint_states, queue_size=5)
        rospy.Subscriber(STATE_TOPIC, Bool, self.on_estop, queue_size=1)
        rospy.Service("/arm/smooth/set_enabled", SetBool, self.on_set_enabled)
        # On a timer, not in the streaming loop: a slow master never delays a setpoint.
        rospy.Timer(rospy.Duration(float(rospy.get_param("~poll_period", 0.2))), self.poll)

    def on_command(self, msg: JointTrajectory) -> None:
        points = [
            (p.time_from_start.to_sec(), p.positions, p.velocities, p.accelerations, p.effort)
            for p in msg.points
        ]
        answer = self.stream.command(msg.joint_names, points, rospy.get_time())
        if answer.refused:
            rospy.logerr_throttle_identical(LOG_REPEAT, answer.refused)
        elif answer.forward:
            self.output.publish(msg)
        elif answer.setpoint is not None:
            self._send(answer.setpoint)

    def on_joint_states(self, msg: JointState) -> None:
        self.stream.joint_states(msg.name, msg.position)

    def on_estop(self, msg: Bool) -> None:
        change = self.stream.heard_estop(msg.data, rospy.get_time())
        if change is not None:
            log(logging.WARNING if change.stopped else logging.INFO, change.reason)

    def on_set_enabled(self, request) -> SetBoolResponse:
        rospy.set_param("~enabled", bool(request.data))
        self._set_enabled(bool(request.data))
        state = "on" if self.stream.enabled else "off (commands pass through unchanged)"
        return SetBoolResponse(True, f"smoothing {state}")

    def _set_enabled(self, enabled: bool) -> None:
        if self.stream.set_enabled(enabled):
            rospy.loginfo("smoothing %s", "on" if enabled else "off (pass-through)")

    def _read_mode(self, mode: object) -> None:
        refused = self.stream.set_mode(mode)
        if refused:
            rospy.logerr_throttle(10.0, f"~mode: {refused}")

    def poll(self, _event=None) -> None:
        """The live parameters (rosparam set works while the shim runs)."""
        try:
            enabled = rospy.get_param("~enabled", self.stream.enabled)
            mode = rospy.get_param("~mode", self.stream.mode)
        except Exception as error:  # the master away for a moment: keep the current settings,
            # and keep this timer alive (an exception would end its thread)
            rospy.logwarn_throttle(10.0, "cannot read the shim's parameters: %s", error)
            return
        self._read_mode(mode)
        if isinstance(enabled, bool):
            self._set_enabled(enabled)

    def step(self) -> None:
        """One period: the next setpoint of a running move."""
        setpoint = self.stream.tick(rospy.get_time())
        if setpoint is not None:
            self._send(setpoint)

    def _send(self, setpoint: Setpoint) -> None:
        self.output.publish(
            JointTrajectory(
                header=rospy.Header(stamp=rospy.Time.now()),
                joint_names=list(setpoint.names),
                points=[
                    JointTrajectoryPoint(
                        positions=setpoint.positions,
                        velocities=setpoint.velocities,
                        time_from_start=rospy.Duration(setpoint.duration),
                    )
                ],
            )
        )


def main() -> None:
    rospy.init_node("smooth_shim")
    shim = SmoothShim()
    rate = rospy.Rate(1.0 / shim.stream.period)
    while not rospy.is_shutdown():
        shim.step()
        try:
            rate.sleep()
        except rospy.ROSInterruptException:
            break
