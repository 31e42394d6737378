"""Servo calibration, stepped by hand: `python -m terry.bringup.calibrate_servos` (or `rosrun
terry calibrate_servos`) with the servo driver running and the e-stop released.

For each joint (--joints, default every arm joint) it moves the joint a little and asks whether
it turned the URDF's positive way (y/n), then lets you step it until it stands at its zero as the
URDF draws it (docs/arm.md), then at a round angle toward its farther limit (its range: us per
radian). + and - step 2 us, > and < step 20 us, y or Enter accepts, s skips (the joint; at the
range step, keeps its us_per_rad), q quits writing nothing. A centre or range whose URDF limits
would not fit the servo's pulse range is refused, and no step goes beyond the URDF's limits
(terry.calibration.servos). At the end centres, ranges and directions go to --calibration
(config/servos.yaml, the file the driver reads); restart the driver to use them:
`rosnode kill /servo_driver` (it respawns).

Keys are read one at a time on a terminal; from a pipe, one command a line (an empty line
accepts), so a script or a test can drive it.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import rospy
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.calibration import LimitError, ServoChannel, load_calibration
from terry.calibration.prompts import Keys, Quit
from terry.calibration.servos import (
    LARGE_STEP,
    SMALL_STEP,
    Stepper,
    axis_hint,
    probe_angle,
    reference_angle,
    start_angle,
    write_servos,
)
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file
from terry.safety.estop import STATE_TOPIC

STEPS = {"+": SMALL_STEP, "-": -SMALL_STEP, ">": LARGE_STEP, "<": -LARGE_STEP}
ARRIVED = 0.004  # rad: the driver reports the joint there
MOVE_TIME = 0.4  # s for each move
MOVE_TIMEOUT = 30.0  # s for the driver to report a joint where it was sent


class Arm:
    """The arm through the servo driver: one joint moved at a time, its reported position."""

    def __init__(self) -> None:
        self.positions: dict[str, float] = {}
        self.estopped: bool | None = None
        self._lock = threading.Lock()
        rospy.Subscriber("/joint_states", JointState, self._on_states, queue_size=20)
        rospy.Subscriber(STATE_TOPIC, Bool, self._on_estop, queue_size=1)
        self.commands = rospy.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
        self._wait(lambda: all(n in self.positions for n in ARM_JOINTS), 30, "the arm's joints")
        self._wait(lambda: self.estopped is False, 120, "the e-stop's release")

    def _on_states(self, msg: JointState) -> None:
        with self._lock:
            self.positions.update(zip(msg.name, msg.position, strict=False))

    def _on_estop(self, msg: Bool) -> None:
        self.estopped = msg.data

    @staticmethod
    def _wait(ready: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if rospy.is_shutdown() or time.monotonic() > deadline:
                raise RuntimeError(f"no {what} after {timeout:.0f} s (is servo_driver running?)")
            time.sleep(0.05)

    def move(self, joint: str, angle: float) -> None:
        """Until the driver reports the joint there; the command is repeated every second (a
        driver that was reconnecting to its board, or restarting, missed it)."""
        point = JointTrajectoryPoint(positions=[angle], time_from_start=rospy.Duration(MOVE_TIME))
        command = JointTrajectory(joint_names=[joint], points=[point])
        sent = 0.0

        def there() -> bool:
            nonlocal sent
            if time.monotonic() - sent > MOVE_TIME + 1.0:
                self.commands.publish(command)
                sent = time.monotonic()
            return abs(self.positions[joint] - angle) < ARRIVED

        self._wait(there, MOVE_TIMEOUT, f"{joint} at {angle:.3f}")
        time.sleep(0.1)  # the servo itself settles


def calibrate_joint(servo: ServoChannel, arm: Arm, keys: Keys) -> ServoChannel | None:
    """Direction, centre, then range of one joint; None when skipped."""
    name = servo.joint.name
    start, test = start_angle(servo), probe_angle(servo)
    stepper = Stepper.at(servo, start)
    arm.move(name, start)
    print(f"[{name}] at its start; watch it: moving it a little", flush=True)
    arm.move(name, test)
    while True:
        positive = test > start
        motion = axis_hint(servo) if positive else f"move the opposite way to '{axis_hint(servo)}'"
        answer = keys.ask(f"[{name}] did it {motion}? (y/n, s skip, q quit)> ")
        if answer in ("y", "n"):
            stepper.observed((answer == "y") == positive)
            break
        if answer == "s":
            return None
        if answer == "q":
            raise Quit("quit")
    arm.move(name, stepper.angle)
    while True:
        if step_until(stepper, arm, keys, "at its zero") == "s":
            return None
        try:
            stepper.accept_centre()
            break
        except LimitError as error:
            print(f"[{name}] {error}", flush=True)
    reference = reference_angle(servo)
    refused = stepper.move_to(reference)
    if refused:
        print(f"[{name}] range: {refused}; keeping {servo.us_per_rad} us/rad", flush=True)
    else:
        arm.move(name, stepper.angle)
        where = f"at {math.degrees(reference):+.0f} deg ({reference:+.3f} rad) from its zero"
        while step_until(stepper, arm, keys, where) == "y":
            try:
                stepper.accept_reference(reference)
                stepper.calibrated()
                break
            except ValueError as error:  # LimitError too
                stepper.us_per_rad = None
                print(f"[{name}] {error}", flush=True)
    calibrated = stepper.calibrated()
    turn = "same" if calibrated.direction == servo.direction else "reversed"
    print(
        f"[{name}] centre {calibrated.center_us:.1f} us (was {servo.center_us:.1f}), "
        f"{calibrated.us_per_rad:.1f} us/rad (was {servo.us_per_rad:.1f}), direction "
        f"{calibrated.direction} ({turn})",
        flush=True,
    )
    if stepper.move_to(start_angle(servo)) is None:  # back to where it started
        arm.move(name, stepper.angle)
    return calibrated


def step_until(stepper: Stepper, arm: Arm, keys: Keys, where: str) -> str:
    """Step with the keys until the user accepts (y) or skips (s) what they see; q quits."""
    name = stepper.driver.joint.name
    while True:
        answer = keys.ask(
            f"[{name}] {stepper.pulse:.1f} us: step until it stands {where} "
            "(+ - 2 us, > < 20 us, y accept, s skip, q quit)> "
        )
        if answer in STEPS:
            refused = stepper.step(STEPS[answer])
            if refused:
                print(f"[{name}] {refused}", flush=True)
            else:
                arm.move(name, stepper.angle)
        elif answer in ("y", "s"):
            return answer
        elif answer == "q":
            raise Quit("quit")
        else:
            print(f"[{name}] {answer!r}: use + - > < y s q", flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--calibration",
        type=Path,
        default=Path(package_file("config", "servos.yaml")),
        help="the servo driver's calibration file, read and rewritten",
    )
    parser.add_argument(
        "--joints", default=",".join(ARM_JOINTS), help="comma-separated joints, in order"
    )
    args = parser.parse_args(rospy.myargv(argv if argv is not None else sys.argv)[1:])
    args.joints = [j.strip() for j in args.joints.split(",") if j.strip()]
    unknown = [j for j in args.joints if j not in ARM_JOINTS]
    if unknown or not args.joints:
        parser.error(f"--joints: {unknown or 'none'}; arm joints: {', '.join(ARM_JOINTS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    robot = load_robot()
    try:
        channels = load_calibration(args.calibration, robot)
    except (OSError, ValueError, KeyError) as error:
        print(f"calibrate_servos: {args.calibration}: {error}", file=sys.stderr)
        return 1
    rospy.init_node("calibrate_servos", anonymous=True)
    keys = Keys(sys.stdin)
    try:
        arm = Arm()
        for joint in args.joints:
            calibrated = calibrate_joint(channels[joint], arm, keys)
            if calibrated is not None:
                channels[joint] = calibrated
        path = write_servos(args.calibration, channels, robot)
    except Quit as why:
        print(f"calibrate_servos: {why}: nothing written")
        return 1
    except (RuntimeError, ValueError) as error:
        print(f"calibrate_servos: {error}; nothing written", file=sys.stderr)
        return 1
    print(f"written to {path}; the servo driver reads it when it starts (rosnode kill it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
