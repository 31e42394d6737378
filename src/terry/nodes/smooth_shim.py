"""The sinusoidal trajectory shim: smooth motion for anything publishing /arm/smooth_command.

Subscribes /arm/smooth_command (trajectory_msgs/JointTrajectory), /joint_states (seeds the
commanded state when the shim is at rest) and /estop (std_msgs/Bool). Publishes
/arm/joint_command: with smoothing on, one single-point trajectory per period (positions,
velocities, time_from_start = one period) while a move runs; with smoothing off, every command
forwarded unchanged. Service /arm/smooth/set_enabled (std_srvs/SetBool). Params: ~enabled (live,
read every ~poll_period s), ~mode (live: stop or pass_through), ~rate (50 Hz),
~max_acceleration (8 rad/s^2), ~poll_period (0.2 s). An empty trajectory stops at once.
"""

from __future__ import annotations

import threading

import rospy
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from std_srvs.srv import SetBool, SetBoolResponse
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.smoothing import MODES, PASS_THROUGH, CommandError, Plan, Smoother, parse_command
from terry.model import ARM_JOINTS, load_robot


class SmoothShim:
    def __init__(self) -> None:
        robot = load_robot()
        self.smoother = Smoother(
            {name: robot.joint(name) for name in ARM_JOINTS},
            max_acceleration=float(rospy.get_param("~max_acceleration", 8.0)),
        )
        self.period = 1.0 / float(rospy.get_param("~rate", 50.0))
        self.enabled = bool(rospy.get_param("~enabled", True))
        self.mode = PASS_THROUGH
        self._read_mode()
        rospy.set_param("~enabled", self.enabled)
        self.measured: dict[str, float] = {}
        self.plan: Plan | None = None  # None: at rest where /joint_states says
        self.streaming = False
        self.estopped = False
        self._lock = threading.Lock()
        self.output = rospy.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
        rospy.Subscriber("/arm/smooth_command", JointTrajectory, self.on_command, queue_size=50)
        rospy.Subscriber("/joint_states", JointState, self.on_joint_states, queue_size=5)
        rospy.Subscriber("/estop", Bool, self.on_estop, queue_size=1)
        rospy.Service("/arm/smooth/set_enabled", SetBool, self.on_set_enabled)
        rospy.Timer(rospy.Duration(float(rospy.get_param("~poll_period", 0.2))), self.poll)

    # Inputs --------------------------------------------------------------------------------
    def on_command(self, msg: JointTrajectory) -> None:
        if self.estopped:
            rospy.logerr("smooth command refused: e-stop is engaged (publish false on /estop)")
            return
        if not self.enabled:
            with self._lock:
                self.plan, self.streaming = None, False
            self.output.publish(msg)
            return
        if not msg.points:  # a stop: at once, never smoothed
            with self._lock:
                self.plan, self.streaming = None, False
            self.output.publish(msg)
            return
        try:
            command = parse_command(
                msg.joint_names,
                [(p.time_from_start.to_sec(), p.positions) for p in msg.points],
                self.smoother.joints,
            )
        except CommandError as error:
            rospy.logerr("smooth command refused, nothing sent: %s", error)
            return
        with self._lock:
            now = rospy.get_time()
            current = self.plan
            if current is None or now >= current.end:  # at rest: start where the arm is
                current = self.smoother.hold(now, self.measured)
            try:
                self.plan = self.smoother.splice(current, now, command, self.mode)
            except CommandError as error:
                rospy.logerr("smooth command refused, nothing sent: %s", error)
                return
            self.streaming = True
            self._send(now)

    def on_joint_states(self, msg: JointState) -> None:
        with self._lock:
            self.measured.update(
                (n, p) for n, p in zip(msg.name, msg.position, strict=False) if n in ARM_JOINTS
            )

    def on_estop(self, msg: Bool) -> None:
        with self._lock:
            if msg.data and not self.estopped:
                rospy.logwarn("e-stop: smoothed motion stopped at once")
            self.estopped = msg.data
            if msg.data:
                self.plan, self.streaming = None, False

    def on_set_enabled(self, request) -> SetBoolResponse:
        rospy.set_param("~enabled", bool(request.data))
        self._set_enabled(bool(request.data))
        state = "on" if self.enabled else "off (commands pass through unchanged)"
        return SetBoolResponse(True, f"smoothing {state}")

    def _set_enabled(self, enabled: bool) -> None:
        with self._lock:
            if enabled and not self.enabled:
                self.plan, self.streaming = None, False  # restart from where the arm is
            self.enabled = enabled
        rospy.loginfo("smoothing %s", "on" if enabled else "off (pass-through)")

    def _read_mode(self) -> None:
        mode = rospy.get_param("~mode", self.mode)
        if mode in MODES:
            self.mode = mode
        else:
            rospy.logerr_throttle(10.0, "~mode must be one of %s, got %r", MODES, mode)

    def poll(self, _event) -> None:
        """The live parameters (rosparam set works while the shim runs)."""
        try:
            enabled = rospy.get_param("~enabled", self.enabled)
            self._read_mode()
        except OSError as error:  # the master is away for a moment: keep the current settings
            rospy.logwarn_throttle(10.0, "cannot read the shim's parameters: %s", error)
            return
        if isinstance(enabled, bool) and enabled != self.enabled:
            self._set_enabled(enabled)

    # Output --------------------------------------------------------------------------------
    def step(self) -> None:
        with self._lock:
            if self.streaming and self.plan is not None and not self.estopped:
                now = rospy.get_time()
                self._send(now)
                self.streaming = now + self.period < self.plan.end

    def _send(self, now: float) -> None:
        """The setpoint one period ahead: the servo driver reaches it as the next one comes."""
        positions, velocities = self.plan.sample(now + self.period)
        self.output.publish(
            JointTrajectory(
                header=rospy.Header(stamp=rospy.Time.from_sec(now)),
                joint_names=list(self.plan.names),
                points=[
                    JointTrajectoryPoint(
                        positions=positions,
                        velocities=velocities,
                        time_from_start=rospy.Duration(self.period),
                    )
                ],
            )
        )


def main() -> None:
    rospy.init_node("smooth_shim")
    shim = SmoothShim()
    rate = rospy.Rate(1.0 / shim.period)
    while not rospy.is_shutdown():
        shim.step()
        try:
            rate.sleep()
        except rospy.ROSInterruptException:
            break
