"""The arm's servo driver: executes /arm/joint_command on a Pololu Maestro, publishes /joint_states.

Subscribes /arm/joint_command (trajectory_msgs/JointTrajectory: a new one replaces the running
one from the current setpoint; an empty one stops) and /estop/state (std_msgs/Bool from the estop
node: stopped until heard, and when silent). Service /arm/relax (std_srvs/Trigger: servos limp).
Publishes /joint_states (the positions the Maestro reports, velocities estimated from them) and
/diagnostics. Params: ~port (required: launch/servo_driver.launch passes it), ~baud (115200),
~rate (50 Hz), ~calibration (config/servos.yaml), ~reconnect_period (1 s). The logic is
`terry.arm.controller.ServoController`; the same code drives the simulated Maestro.
"""

from __future__ import annotations

import logging

import rospy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from std_srvs.srv import Trigger, TriggerResponse
from trajectory_msgs.msg import JointTrajectory

from terry.arm.bus import ServoBus
from terry.arm.calibration import load_calibration
from terry.arm.controller import ServoController
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file
from terry.safety.estop import STATE_TOPIC

LOG_REPEAT = 2.0  # s: the same refusal (a client publishing at 50 Hz) is logged once per period
DIAGNOSTICS_PERIOD = 1.0  # s
LOG = {logging.INFO: rospy.loginfo, logging.WARNING: rospy.logwarn, logging.ERROR: rospy.logerr}
LEVEL = {
    logging.INFO: DiagnosticStatus.OK,
    logging.WARNING: DiagnosticStatus.WARN,
    logging.ERROR: DiagnosticStatus.ERROR,
}


def log(level: int, message: str) -> None:
    LOG[level](message)


class ServoDriver:
    def __init__(self) -> None:
        robot = load_robot()
        calibration = rospy.get_param("~calibration", str(package_file("config", "servos.yaml")))
        bus = ServoBus(
            rospy.get_param("~port"),
            load_calibration(calibration, robot),
            rospy.get_param("~baud", 115200),
        )
        self.controller = ServoController(
            bus,
            {name: robot.joint(name) for name in ARM_JOINTS},
            rospy.get_time(),
            log,
            reconnect_period=rospy.get_param("~reconnect_period", 1.0),
        )
        self._next_diagnostics = rospy.get_time()
        self.states = rospy.Publisher("/joint_states", JointState, queue_size=10)
        self.diagnostics = rospy.Publisher("/diagnostics", DiagnosticArray, queue_size=2)
        rospy.Subscriber("/arm/joint_command", JointTrajectory, self.on_command, queue_size=10)
        rospy.Subscriber(STATE_TOPIC, Bool, self.on_estop, queue_size=1)
        rospy.Service("/arm/relax", Trigger, self.on_relax)

    def on_command(self, msg: JointTrajectory) -> None:
        points = [
            (p.time_from_start.to_sec(), p.positions, p.velocities, p.accelerations, p.effort)
            for p in msg.points
        ]
        refused = self.controller.command(msg.joint_names, points, rospy.get_time())
        if refused:
            rospy.logerr_throttle_identical(LOG_REPEAT, refused)

    def on_estop(self, msg: Bool) -> None:
        change = self.controller.heard_estop(msg.data, rospy.get_time())
        if change is not None:
            log(logging.WARNING if change.stopped else logging.INFO, f"arm: {change.reason}")

    def on_relax(self, _request) -> TriggerResponse:
        failed = self.controller.relax()
        if failed:
            return TriggerResponse(False, failed)
        return TriggerResponse(True, "servos limp: no holding torque until the next command")

    def step(self) -> None:
        """One cycle of the loop: the servos, /joint_states, and /diagnostics once a second."""
        now = rospy.get_time()
        reading = self.controller.tick(now)
        if reading is not None:
            self.states.publish(
                JointState(
                    header=rospy.Header(stamp=rospy.Time.now()),  # read back just now
                    name=list(reading.positions),
                    position=list(reading.positions.values()),
                    velocity=[reading.velocities[n] for n in reading.positions],
                )
            )
        if now >= self._next_diagnostics:
            self._next_diagnostics = now + DIAGNOSTICS_PERIOD
            self.publish_diagnostics(now)

    def publish_diagnostics(self, now: float) -> None:
        health = self.controller.health(now)
        port = self.controller.bus.port
        status = DiagnosticStatus(
            level=LEVEL[health.level],
            name="servo_driver: Maestro",
            message=health.message,
            hardware_id=port,
            values=[KeyValue(k, v) for k, v in health.values.items()],
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
    driver.controller.bus.close()
