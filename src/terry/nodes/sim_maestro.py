"""A simulated Maestro on a pseudo-terminal, for the servo driver to talk to in simulation.

Params: ~link (the port path the driver opens), ~channels (6), ~servo_slew (how fast the
simulated servos can turn, quarter-microseconds per 10 ms; 0: instantly), ~start_pose (the pose
in ~poses, config/arm_poses.yaml, that the servos hold from power-on, as a Maestro whose channels
are set to "on startup: go to" it; "" for a factory board with every channel off; default rest),
~calibration (config/servos.yaml). Fault injection: /sim/maestro/fault (sensor_msgs/JointState):
per named joint, position puts an obstacle at that angle in the servo's way (NaN removes it) and
velocity makes the servo that slow (rad/s; 0 restores ~servo_slew, NaN leaves it).
Servos off their calibration, for the calibration tools: ~centre_error ({joint: us}: the
servo's true centre that far from ~calibration's), ~scale_error ({joint: factor}: its true us per
radian that many times ~calibration's) and ~reversed ([joint, ...]: turns the other way).
Publishes sim/arm/true_joints (sensor_msgs/JointState, 20 Hz): each powered joint's true angle,
as a user looking at the arm sees it.
"""

from __future__ import annotations

import math

import rospy
from sensor_msgs.msg import JointState

from terry.arm.calibration import LimitError, ServoChannel, load_calibration
from terry.arm.poses import load_poses
from terry.model import load_robot
from terry.paths import package_file
from terry.sim.maestro_device import TICK, MaestroDevice, as_built, serve
from terry.sim.pty import default_link


def start_pulses(channels: dict[str, ServoChannel], count: int) -> list[int]:
    pulses = [0] * count
    name = rospy.get_param("~start_pose", "rest")
    if name:
        path = rospy.get_param("~poses", str(package_file("config", "arm_poses.yaml")))
        pose = load_poses(path, {n: c.joint for n, c in channels.items()})[name]
        for joint, angle in pose.items():
            pulses[channels[joint].channel] = channels[joint].to_quarter_us(angle)
    return pulses


def servos_as_built(channels: dict[str, ServoChannel]) -> dict[str, ServoChannel]:
    """~centre_error, ~scale_error and ~reversed applied to the calibration; exits naming a bad
    entry."""
    errors = rospy.get_param("~centre_error", {}) or {}
    scales = rospy.get_param("~scale_error", {}) or {}
    reverse = rospy.get_param("~reversed", []) or []
    try:
        if not all(isinstance(v, dict) for v in (errors, scales)) or not isinstance(reverse, list):
            raise ValueError("wrong type")
        unknown = sorted((set(errors) | set(scales) | set(reverse)) - set(channels))
        if unknown:
            raise ValueError(f"not arm joints: {unknown}")
        built = {
            name: as_built(
                servo, float(errors.get(name, 0.0)), name in reverse, float(scales.get(name, 1.0))
            )
            for name, servo in channels.items()
        }
        if not all(s.us_per_rad > 0 for s in built.values()):
            raise ValueError("a scale must be positive")
        return built
    except (TypeError, ValueError) as error:
        rospy.logfatal(
            f"sim_maestro: ~centre_error and ~scale_error must map arm joints to us and factors, "
            f"~reversed list arm joints ({sorted(channels)}); got {errors!r}, {scales!r}, "
            f"{reverse!r}: {error}"
        )
        raise SystemExit(1) from error


def main() -> None:
    rospy.init_node("sim_maestro")
    link = rospy.get_param("~link", default_link("maestro"))
    calibration = rospy.get_param("~calibration", str(package_file("config", "servos.yaml")))
    channels = load_calibration(calibration, load_robot())
    count, slew = rospy.get_param("~channels", 6), rospy.get_param("~servo_slew", 100)
    device = MaestroDevice(count, slew, start_pulses(channels, count))

    def on_fault(msg: JointState) -> None:
        for index, name in enumerate(msg.name):
            servo = channels.get(name)
            if servo is None:
                rospy.logerr("fault for %r refused: not an arm joint (%s)", name, sorted(channels))
                continue
            try:
                if index < len(msg.position):
                    angle = msg.position[index]
                    block = None if math.isnan(angle) else servo.to_quarter_us(angle)
                    device.block(servo.channel, block)
            except LimitError as error:
                rospy.logerr("fault refused: %s", error)
                continue
            if index < len(msg.velocity) and not math.isnan(msg.velocity[index]):
                speed = abs(msg.velocity[index]) * servo.us_per_rad * 4 * TICK
                device.outputs[servo.channel].slew = speed or slew
            rospy.logwarn("fault injected on %s: %s", name, device.outputs[servo.channel])

    rospy.Subscriber("/sim/maestro/fault", JointState, on_fault, queue_size=10)
    truth = servos_as_built(channels)
    true_joints = rospy.Publisher("sim/arm/true_joints", JointState, queue_size=10)

    def publish_truth(_event: rospy.timer.TimerEvent) -> None:
        msg = JointState()
        msg.header.stamp = rospy.Time.now()
        for name, servo in truth.items():
            position = device.outputs[servo.channel].position
            if position:  # a servo without pulses is limp: no angle to tell
                msg.name.append(name)
                msg.position.append(servo.to_angle(round(position)))
        true_joints.publish(msg)

    rospy.Timer(rospy.Duration(0.05), publish_truth)
    rospy.loginfo("simulated Maestro on %s", link)
    serve(link, device, lambda: not rospy.is_shutdown())
