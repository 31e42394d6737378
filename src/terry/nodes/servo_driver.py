"""The arm's servo driver: executes /arm/joint_command on a Pololu Maestro, publishes /joint_states.

Subscribes /arm/joint_command (trajectory_msgs/JointTrajectory: a new one replaces the running
one from the current setpoint; an empty one stops), /estop (std_msgs/Bool: true stops and holds
until false). Services /arm/relax (std_srvs/Trigger: servos limp). Publishes /joint_states (the
positions the Maestro reports, and velocities estimated from them) and /diagnostics.
Params: ~port, ~baud (115200), ~rate (50 Hz), ~calibration (config/servos.yaml),
~reconnect_period (1 s). The same code drives the simulated Maestro (scripts/sim_maestro).
"""

from __future__ import annotations

import threading

import rospy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from std_srvs.srv import Trigger, TriggerResponse
from trajectory_msgs.msg import JointTrajectory

from terry.arm.bus import LinkDown, ServoBus
from terry.arm.calibration import LimitError, load_calibration
from terry.arm.maestro import describe_errors
from terry.arm.motion import TrajectoryError, TrajectoryPlayer, parse_trajectory
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file

STARTUP_GRACE = 5.0  # s: a board (or its simulation) still starting is not yet an error
LOG_REPEAT = 2.0  # s: the same refusal (a client publishing at 50 Hz) is logged once per period


class ServoDriver:
    def __init__(self) -> None:
        robot = load_robot()
        calibration = rospy.get_param("~calibration", str(package_file("config", "servos.yaml")))
        channels = load_calibration(calibration, robot)
        self.bus = ServoBus(rospy.get_param("~port"), channels, rospy.get_param("~baud", 115200))
        self.joints = {name: robot.joint(name) for name in ARM_JOINTS}
        home = {name: min(max(0.0, j.lower), j.upper) for name, j in self.joints.items()}
        self.player = TrajectoryPlayer(self.joints, home)
        self.measured: dict[str, float] = dict(home)
        self.velocity: dict[str, float] = dict.fromkeys(home, 0.0)
        self.measured_at: float | None = None
        self.limp = True  # a Maestro starts with no pulses until told otherwise
        self.commanded_while_down = False  # a trajectory came before the board answered
        self.estopped = False
        self.error_bits = 0
        self.link_error = ""
        self.reported = ""  # the link error last logged, so each is logged once
        self._lock = threading.Lock()
        self.started = self._next_connect = rospy.get_time()
        self.reconnect_period = rospy.get_param("~reconnect_period", 1.0)
        self.states = rospy.Publisher("/joint_states", JointState, queue_size=10)
        self.diagnostics = rospy.Publisher("/diagnostics", DiagnosticArray, queue_size=2)
        rospy.Subscriber("/arm/joint_command", JointTrajectory, self.on_command, queue_size=10)
        rospy.Subscriber("/estop", Bool, self.on_estop, queue_size=1)
        rospy.Service("/arm/relax", Trigger, self.on_relax)
        rospy.Timer(rospy.Duration(1.0), self.publish_diagnostics)

    # Commands ------------------------------------------------------------------------------
    def on_command(self, msg: JointTrajectory) -> None:
        if self.estopped:
            rospy.logerr_throttle_identical(
                LOG_REPEAT, "trajectory refused: e-stop is engaged (publish false on /estop)"
            )
            return
        try:
            points = parse_trajectory(
                msg.joint_names,
                [(p.time_from_start.to_sec(), p.positions, p.velocities) for p in msg.points],
                self.joints,
            )
        except TrajectoryError as error:
            rospy.logerr_throttle_identical(
                LOG_REPEAT, f"trajectory refused, nothing moves: {error}"
            )
            return
        with self._lock:
            now = rospy.get_time()
            self.commanded_while_down |= not self.bus.connected
            if self.limp:  # limp servos are where they were left: start from there
                self.player.hold(self.measured)
                self.limp = False
            if points:
                self.player.start(now, points)
            else:  # an empty trajectory stops where the arm is
                self.player.hold(self.player.sample(now))

    def on_estop(self, msg: Bool) -> None:
        with self._lock:
            if msg.data and not self.estopped:
                rospy.logwarn("e-stop: arm stopped and holding")
                self.player.hold(self.measured)
            elif not msg.data and self.estopped:
                rospy.loginfo("e-stop released: arm accepts commands again")
            self.estopped = msg.data

    def on_relax(self, _request) -> TriggerResponse:
        with self._lock:
            try:
                self.bus.relax()
            except LinkDown as error:
                return TriggerResponse(False, str(error))
            self.limp = True
        return TriggerResponse(True, "servos limp: no holding torque until the next command")

    # The loop ------------------------------------------------------------------------------
    def step(self) -> None:
        with self._lock:
            if not self.bus.connected and not self._try_connect():
                return
            try:
                if not self.limp:
                    self._send(self.player.sample(rospy.get_time()))
                angles = self.bus.read_angles()
            except LinkDown as error:
                self._lost(error)
                return
            stamp = rospy.Time.now()
            self._measure(angles, stamp.to_sec())
            state = JointState(
                header=rospy.Header(stamp=stamp),
                name=list(self.measured),
                position=list(self.measured.values()),
                velocity=[self.velocity[n] for n in self.measured],
            )
        self.states.publish(state)

    def _send(self, setpoints: dict[str, float]) -> None:
        """Targets to the board; the calibration refuses any beyond a limit (validated input
        never gets there: if it does, say so and hold where the arm is)."""
        try:
            self.bus.set_angles(setpoints)
        except LimitError as error:
            rospy.logerr_throttle_identical(
                LOG_REPEAT, f"refused to send a target beyond a limit: {error}"
            )
            self.player.hold(self.measured)

    def _measure(self, angles: dict[str, float | None], now: float) -> None:
        """Take the positions read back; velocity from the change since the last reading
        (0 for a limp servo, which reports no position)."""
        dt = now - self.measured_at if self.measured_at is not None else 0.0
        for name, angle in angles.items():
            if angle is None:
                self.velocity[name] = 0.0
                continue
            self.velocity[name] = (angle - self.measured[name]) / dt if dt > 0 else 0.0
            self.measured[name] = angle
        self.measured_at = now

    def _try_connect(self) -> bool:
        now = rospy.get_time()
        if now < self._next_connect:
            return False
        self._next_connect = now + self.reconnect_period
        try:
            self.bus.connect()
            angles = self.bus.read_angles()
        except LinkDown as error:
            self._lost(error)
            return False
        self.measured.update({n: a for n, a in angles.items() if a is not None})
        self.measured_at = None  # no velocity across the gap
        if not self.commanded_while_down:  # else carry out what was asked while waiting
            self.limp = all(a is None for a in angles.values())
            self.player.hold(self.measured)
        self.commanded_while_down = False
        self.link_error = self.reported = ""
        rospy.loginfo("Maestro connected on %s", self.bus.port)
        return True

    def _lost(self, error: LinkDown) -> None:
        """Say once what is wrong; a board still starting up is not an error yet."""
        message = str(error)
        if rospy.get_time() < self.started + STARTUP_GRACE and not self.bus.reconnects:
            if not self.link_error:
                rospy.loginfo("waiting for the Maestro on %s", self.bus.port)
        elif message != self.reported:
            rospy.logerr("%s; retrying every %.1f s", message, self.reconnect_period)
            self.reported = message
        self.link_error = message

    def publish_diagnostics(self, _event=None) -> None:
        with self._lock:
            if self.bus.connected:
                try:
                    self.error_bits |= self.bus.errors()
                except LinkDown as error:
                    self._lost(error)
            connected = self.bus.connected
            errors = describe_errors(self.error_bits)
            self.error_bits = 0
        if not connected:
            level, message = DiagnosticStatus.ERROR, self.link_error or "not connected"
        elif errors:
            level, message = DiagnosticStatus.WARN, f"Maestro reported {errors}"
        else:
            level, message = DiagnosticStatus.OK, "limp" if self.limp else "holding / moving"
        values = {
            "port": self.bus.port,
            "connected": str(connected),
            "reconnects": str(max(0, self.bus.reconnects - 1)),
            "reply timeouts": str(self.bus.timeouts),
            "stale replies dropped": str(self.bus.stale_replies),
            "estop": str(self.estopped),
        }
        status = DiagnosticStatus(
            level=level,
            name="servo_driver: Maestro",
            message=message,
            hardware_id=self.bus.port,
            values=[KeyValue(k, v) for k, v in values.items()],
        )
        self.diagnostics.publish(
            DiagnosticArray(header=rospy.Header(stamp=rospy.Time.now()), status=[status])
        )


def main() -> None:
    rospy.init_node("servo_driver")
    driver = ServoDriver()
    rate = rospy.Rate(rospy.get_param("~rate", 50.0))
    while not rospy.is_shutdown():
        driver.step()
        try:
            rate.sleep()
        except rospy.ROSInterruptException:
            break
    driver.bus.close()
