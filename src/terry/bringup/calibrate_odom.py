"""Odometry calibration, a guided run: `python -m terry.bringup.calibrate_odom` (or `rosrun terry
calibrate_odom`) with base_controller running and the e-stop released.

The robot drives what it believes is --distance straight ahead, then turns in place --turns
times to the left (with --runs 2 it also drives back and turns right). After each, it asks how
far it truly went (measure on the floor; Enter takes the odometry's value), or with --sim reads
the simulated world's truth (/sim/ground_truth). The wheel radius and separation follow from the
wheels' encoder angles (/joint_states) and the true motion (terry.calibration.odometry) and go to
--output (config/calibration/odometry.yaml), which base_controller loads when it starts:
`rosnode kill /base_controller` (the launch files respawn it). Clear the way: 1.5 m ahead, and
0.5 m all around.
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
from geometry_msgs.msg import Twist
from nav_msgs.msg import Odometry
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool

from terry.base.drive import Pose2D
from terry.calibration import files
from terry.calibration.odometry import NAME, Run, drive_geometry_for, fit, save
from terry.calibration.prompts import ask
from terry.model import WHEEL_JOINTS, DriveGeometry, drive_geometry, load_robot
from terry.safety.estop import STATE_TOPIC

RATE = 20.0  # Hz of /cmd_vel while driving (the base's deadman wants one every 0.5 s)
STILL = 0.5  # s the wheels must not move to count as stopped
START_TIMEOUT = 5.0  # s for the wheels to start turning once commanded


def angle_diff(a: float, b: float) -> float:
    return math.atan2(math.sin(a - b), math.cos(a - b))


class Wheels:
    """The wheels' encoder angles from base_controller's /joint_states."""

    def __init__(self) -> None:
        self.angles: tuple[float, float] | None = None
        self.changed = time.monotonic()
        self._lock = threading.Lock()
        rospy.Subscriber("joint_states", JointState, self._on_states, queue_size=20)

    def _on_states(self, msg: JointState) -> None:
        if not all(name in msg.name for name in WHEEL_JOINTS):
            return
        angles = tuple(msg.position[msg.name.index(n)] for n in WHEEL_JOINTS)
        with self._lock:
            if angles != self.angles:
                self.changed = time.monotonic()
            self.angles = angles  # type: ignore[assignment]

    def now(self) -> tuple[float, float]:
        with self._lock:
            assert self.angles is not None
            return self.angles


class Truth:
    """The simulated world's true pose, with the heading unwrapped (two turns are 4 pi)."""

    def __init__(self) -> None:
        self.pose: Pose2D | None = None
        self.heading = 0.0
        self.stamp = 0.0  # s, of the latest pose
        self._lock = threading.Lock()
        rospy.Subscriber("sim/ground_truth", Odometry, self._on_truth, queue_size=20)

    def _on_truth(self, msg: Odometry) -> None:
        p, q = msg.pose.pose.position, msg.pose.pose.orientation
        pose = Pose2D.projected(p.x, p.y, (q.x, q.y, q.z, q.w))
        with self._lock:
            if self.pose is not None:
                self.heading += angle_diff(pose.yaw, self.pose.yaw)
            self.pose, self.stamp = pose, msg.header.stamp.to_sec()

    def now(self) -> tuple[Pose2D, float]:
        with self._lock:
            assert self.pose is not None
            return self.pose, self.heading


def wait(what: str, ready: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if rospy.is_shutdown() or time.monotonic() > deadline:
            raise RuntimeError(f"no {what} after {timeout:.0f} s")
        time.sleep(0.05)


class Guide:
    """Drives the runs and asks (or, in simulation, looks up) what truly happened."""

    def __init__(self, geometry: DriveGeometry, sim: bool, ask: Callable[[str], str]) -> None:
        self.geometry = geometry  # what the controller believes: how far to drive
        self.ask = ask
        self.wheels = Wheels()
        self.truth = Truth() if sim else None
        self.estopped: bool | None = None
        rospy.Subscriber(STATE_TOPIC, Bool, self._on_estop, queue_size=1)
        self.cmd_vel = rospy.Publisher("cmd_vel", Twist, queue_size=1)
        wait("wheel angles on /joint_states (is base_controller running?)", self._ready, 30)
        wait("release of the e-stop (/estop/state false)", lambda: self.estopped is False, 120)

    def _ready(self) -> bool:
        return self.wheels.angles is not None and (
            self.truth is None or self.truth.pose is not None
        )

    def _on_estop(self, msg: Bool) -> None:
        self.estopped = msg.data

    def _drive(
        self, linear: float, angular: float, done: Callable[[float, float], bool], expected: float
    ) -> None:
        """Command the twist until done(d_left, d_right), then stop and wait for the wheels;
        RuntimeError (stopped) when it takes twice the `expected` seconds and more."""
        start = self.wheels.now()
        began = time.monotonic()
        deadline = began + 2 * expected + START_TIMEOUT
        twist = Twist()
        twist.linear.x, twist.angular.z = linear, angular
        try:
            while True:
                left, right = (a - b for a, b in zip(self.wheels.now(), start, strict=True))
                if done(left, right):
                    break
                if self.estopped:
                    raise RuntimeError("the e-stop was engaged: run abandoned, nothing written")
                if abs(left) + abs(right) < 0.05 and time.monotonic() - began > START_TIMEOUT:
                    raise RuntimeError(
                        "the wheels do not turn: is the e-stop released and the base board up?"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"not there after {deadline - began:.0f} s (wheels {left:+.1f}, "
                        f"{right:+.1f} rad): a reversed motor or encoder? run the wiring test"
                    )
                if rospy.is_shutdown():
                    raise RuntimeError("interrupted: nothing written")
                self.cmd_vel.publish(twist)
                time.sleep(1 / RATE)
        finally:
            self.cmd_vel.publish(Twist())
        wait("stop of the wheels", lambda: time.monotonic() - self.wheels.changed > STILL, 15)
        if self.truth is not None:  # a pose of the world's taken since (it comes at 2..10 Hz)
            stopped = rospy.get_time()
            wait("fresh /sim/ground_truth", lambda: self.truth.stamp > stopped, 15)

    def straight(self, distance: float, speed: float) -> Run:
        start, (pose0, _) = self.wheels.now(), self._truth()
        rolled = abs(distance) / self.geometry.wheel_radius
        self._drive(
            math.copysign(speed, distance),
            0.0,
            lambda a, b: abs(a + b) / 2 >= rolled,
            abs(distance) / speed,
        )
        end, (pose1, _) = self.wheels.now(), self._truth()
        left, right = end[0] - start[0], end[1] - start[1]
        believed = (left + right) / 2 * self.geometry.wheel_radius
        if self.truth is not None:
            true = math.copysign(math.hypot(pose1.x - pose0.x, pose1.y - pose0.y), believed)
            print(f"drove {true:.3f} m (simulated world's truth; odometry said {believed:.3f} m)")
        else:
            prompt = f"How far did it drive, in m? [odometry: {abs(believed):.3f}] "
            true = math.copysign(self._number(prompt, abs(believed)), believed)
        return Run(left, right, distance=true)

    def turn(self, turns: float, speed: float) -> Run:
        start, (_, heading0) = self.wheels.now(), self._truth()
        target = abs(turns) * 2 * math.pi * self.geometry.wheel_separation
        target /= self.geometry.wheel_radius

        def done(left: float, right: float) -> bool:
            return abs(right - left) >= target

        self._drive(0.0, math.copysign(speed, turns), done, abs(turns) * 2 * math.pi / speed)
        end, (_, heading1) = self.wheels.now(), self._truth()
        left, right = end[0] - start[0], end[1] - start[1]
        believed = (right - left) * self.geometry.wheel_radius / self.geometry.wheel_separation
        if self.truth is not None:
            true = heading1 - heading0
            print(
                f"turned {math.degrees(true):.1f} degrees (simulated world's truth; "
                f"odometry said {math.degrees(believed):.1f})"
            )
        else:
            prompt = (
                "How far did it turn, in degrees (720 for two full turns)? "
                f"[odometry: {abs(math.degrees(believed)):.1f}] "
            )
            degrees = self._number(prompt, abs(math.degrees(believed)))
            true = math.copysign(math.radians(degrees), believed)
        return Run(left, right, turn=true)

    def _truth(self) -> tuple[Pose2D, float]:
        return self.truth.now() if self.truth is not None else (Pose2D(), 0.0)

    def _number(self, prompt: str, default: float) -> float:
        """A positive number from the user (Enter: the default)."""
        while True:
            text = self.ask(prompt).strip()
            if not text:
                return default
            try:
                value = float(text)
            except ValueError:
                print(f"{text!r} is not a number; again")
                continue
            if math.isfinite(value) and value > 0:
                return value
            print(f"{text!r}: a positive number, please; again")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--distance", type=float, default=1.0, help="m to drive straight (1.0)")
    parser.add_argument("--turns", type=float, default=2.0, help="turns in place (2)")
    parser.add_argument("--speed", type=float, default=0.15, help="m/s while driving (0.15)")
    parser.add_argument("--turn-speed", type=float, default=0.8, help="rad/s turning (0.8)")
    parser.add_argument("--runs", type=int, choices=(1, 2), default=1, help="2: also back, right")
    parser.add_argument("--sim", action="store_true", help="read /sim/ground_truth, ask nothing")
    parser.add_argument(
        "--output", type=Path, default=files.default_path(NAME), help="the calibration file"
    )
    parser.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")
    args = parser.parse_args(rospy.myargv(argv if argv is not None else sys.argv)[1:])
    for name in ("distance", "turns", "speed", "turn_speed"):
        value = getattr(args, name)
        if not (math.isfinite(value) and value > 0):
            parser.error(f"--{name.replace('_', '-')} must be a positive number, got {value}")
    if not (0.1 <= args.distance <= 5 and 0.5 <= args.turns <= 10):
        parser.error("--distance must be 0.1..5 m and --turns 0.5..10")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    robot = load_robot()
    try:
        current, source = drive_geometry_for(robot, args.output)
    except ValueError as error:
        print(f"calibrate_odom: {error}", file=sys.stderr)
        return 1
    rospy.init_node("calibrate_odom", anonymous=True)
    print(
        f"driving with wheel radius {current.wheel_radius:.4f} m, separation "
        f"{current.wheel_separation:.4f} m: {source}"
    )
    try:
        guide = Guide(current, args.sim, ask)
        straight, turns = [], []
        for sign in (1, -1)[: args.runs]:
            print(f"driving {sign * args.distance:+.2f} m straight ...")
            straight.append(guide.straight(sign * args.distance, args.speed))
            print(f"turning {sign * args.turns:+g} turns in place ...")
            turns.append(guide.turn(sign * args.turns, args.turn_speed))
        measured = fit(straight, turns, drive_geometry(robot))
    except (RuntimeError, ValueError, EOFError) as error:
        print(f"calibrate_odom: {error}", file=sys.stderr)
        return 1
    nominal = drive_geometry(robot)
    for what, urdf, was, now in (
        ("wheel radius", nominal.wheel_radius, current.wheel_radius, measured.wheel_radius),
        (
            "separation",
            nominal.wheel_separation,
            current.wheel_separation,
            measured.wheel_separation,
        ),
    ):
        print(f"{what}: measured {now:.4f} m (URDF {urdf:.4f}, in use {was:.4f})")
    if args.dry_run:
        return 0
    path = save(measured, args.output)
    print(
        f"written to {path}; base_controller loads it when it starts: rosnode kill /base_controller"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
