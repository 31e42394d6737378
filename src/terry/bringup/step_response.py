"""Record a motor's step response through ROS, for tuning: the command, the measured position and
speed (from /joint_states) over time, to CSV and a PNG plot, with its figures printed.

  python -m terry.bringup.step_response pan --position 0.3     # pan 0.3 rad on from where it is
  python -m terry.bringup.step_response pan --speed 0.1        # pan at 0.1 rad/s, then stop
  python -m terry.bringup.step_response wheel --speed 5        # both wheels at 5 rad/s (/cmd_vel)
  rosrun terry step_response pan --position -0.2 --out /tmp/pan_step

Run it with the robot up (./run sim, or ./run robot) and the e-stop released; it moves the motor
only by the step asked for, and stops it at the end (the pan holds where it got to). Change gains
between runs with dynamic_reconfigure (docs/bring-up.md, "Tuning the motors"). A wheel step goes
through the base controller, so its acceleration limits and dead-man shape it too.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from terry.tuning.step_response import Sample, figures, plot, write_csv

JOINT = {"pan": "pan_joint", "wheel": "left_wheel_joint"}
SPEED_BAND = 0.05  # of the step: the settling band of a speed step
POSITION_BAND = 0.003  # rad: the settling band of a position step (about the pan's deadzone x3)


class Recorder:
    """Keeps one joint's (time, position, velocity) from /joint_states."""

    def __init__(self, joint: str) -> None:
        self.joint = joint
        self.rows: list[tuple[float, float, float]] = []
        self._lock = threading.Lock()

    def on_joint_states(self, msg) -> None:
        if self.joint not in msg.name:
            return
        i = msg.name.index(self.joint)
        velocity = msg.velocity[i] if len(msg.velocity) > i else float("nan")
        with self._lock:
            self.rows.append((time.monotonic(), msg.position[i], velocity))

    def latest(self) -> tuple[float, float, float] | None:
        with self._lock:
            return self.rows[-1] if self.rows else None

    def since(self, start: float) -> list[tuple[float, float, float]]:
        with self._lock:
            return [(t - start, p, v) for t, p, v in self.rows if t >= start]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("motor", choices=sorted(JOINT))
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument("--position", type=float, help="pan only: a step of this many rad")
    kind.add_argument("--speed", type=float, help="a speed step, rad/s at the pan or wheel")
    parser.add_argument("--duration", type=float, default=4.0, help="s to record (default 4)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("step_response"),
        help="writes OUT.csv and OUT.png (default ./step_response)",
    )
    args = parser.parse_args(argv)
    if args.motor == "wheel" and args.position is not None:
        parser.error("a wheel takes a --speed step (the base is driven by speed)")
    value = args.position if args.position is not None else args.speed
    if not (abs(value) > 0 and abs(value) < float("inf")) or not 0 < args.duration <= 60:
        parser.error("the step must be a non-zero number and --duration within 0..60 s")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    import rospy
    from geometry_msgs.msg import Twist
    from sensor_msgs.msg import JointState
    from std_msgs.msg import Bool, Float64

    rospy.init_node("step_response", anonymous=True, disable_signals=True)
    recorder = Recorder(JOINT[args.motor])
    rospy.Subscriber("joint_states", JointState, recorder.on_joint_states, queue_size=50)
    try:
        estop = rospy.wait_for_message("estop/state", Bool, timeout=5.0)
    except rospy.ROSException:
        print(
            "no e-stop state heard on /estop/state: is the robot up (./run sim)?", file=sys.stderr
        )
        return 1
    if estop.data:
        print(
            "the e-stop is engaged: release it first (rosservice call /estop/release)",
            file=sys.stderr,
        )
        return 1
    deadline = time.monotonic() + 5.0
    while recorder.latest() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first = recorder.latest()
    if first is None:
        print(f"no {recorder.joint} on /joint_states within 5 s", file=sys.stderr)
        return 1
    speed_step = args.speed is not None
    if args.motor == "pan":
        topic = "pan/velocity" if speed_step else "pan/command"
        command = args.speed if speed_step else first[1] + args.position
        pub = rospy.Publisher(topic, Float64, queue_size=1)
        halt = rospy.Publisher("pan/velocity", Float64, queue_size=1)

        def send(value: float) -> None:
            pub.publish(Float64(value))

        def stop() -> None:
            halt.publish(Float64(0.0))

    else:
        from terry.model import drive_geometry, load_robot

        radius = drive_geometry(load_robot()).wheel_radius
        command = args.speed
        pub = rospy.Publisher("cmd_vel", Twist, queue_size=1)

        def send(value: float) -> None:
            msg = Twist()
            msg.linear.x = value * radius
            pub.publish(msg)

        def stop() -> None:
            send(0.0)

    time.sleep(0.5)  # let the publisher connect
    before = recorder.latest() or first
    start = time.monotonic()
    try:
        while time.monotonic() - start < args.duration and not rospy.is_shutdown():
            send(command)  # repeated: the base's dead-man wants a fresh /cmd_vel
            time.sleep(0.1)
    finally:
        if speed_step:
            stop()
            time.sleep(0.3)
    rows = recorder.since(start)
    if not rows:
        print(f"no {recorder.joint} on /joint_states while recording", file=sys.stderr)
        return 1
    samples = [Sample(t, command, p, v) for t, p, v in rows]
    begin = before[2] if speed_step else before[1]
    measured = [s.velocity if speed_step else s.position for s in samples]
    band = abs(command - begin) * SPEED_BAND if speed_step else POSITION_BAND
    found = figures([s.time for s in samples], measured, begin, command, band)
    unit = "rad/s" if speed_step else "rad"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = args.out.with_suffix(".csv"), args.out.with_suffix(".png")
    write_csv(csv_path, samples)
    print(found.text(unit))
    try:
        plot(png_path, samples, f"{args.motor}: {found.text(unit)}", speed_step)
    except ImportError as error:
        print(
            f"wrote {csv_path}; no plot without matplotlib ({error}): "
            "apt install python3-matplotlib",
            file=sys.stderr,
        )
    else:
        print(f"wrote {csv_path} and {png_path}")
    rospy.signal_shutdown("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
