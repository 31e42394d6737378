#!/usr/bin/env python3
"""What the simulated robot costs the CPU, per process, at idle and while driving.

    bench/idle.py [seconds per phase] [--dashboard]

Starts launch/sim.launch (without the dashboard unless --dashboard) on its own master on a free
port, as the tests do, waits until /odom, /imu/data and the pan joint flow, then reads each
process's CPU time from /proc/<pid>/stat over the given seconds (30 by default): first with
nobody commanding anything, then while driving (/cmd_vel at 10 Hz, the pan sweeping in radar
mode). Printed: each process's share of one core in both phases, the total of the robot side
(the master and every node that runs on the robot: not roslaunch, the sim_* nodes and their
firmware), and the ratio against the figures measured before issue #10's work (BEFORE).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "test"))

# Idle share of one core per process, % (issue #10: ./run sim, nobody commanding, 30 s).
BEFORE = {
    "rosmaster": 13.0,
    "base_controller": 14.0,
    "imu": 13.0,
    "robot_state_publisher": 7.0,
    "pan_tilt": 5.0,
    "smooth_shim": 5.0,
    "arm_ik": 5.0,
    "servo_driver": 5.0,
}
BEFORE_TOTAL = 67.0
NOT_ROBOT = ("roslaunch", "sim_", "firmware:")
TICK = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with open(task / "children") as f:
            found += [int(c) for c in f.read().split()]
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            todo += children(current)
        except OSError:
            continue
    return out


def name_of(pid: int) -> str:
    """A node's __name, rosmaster, roslaunch, or a simulated board's firmware binary."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return ""
    for arg in argv:
        if arg.startswith("__name:="):
            return arg.split(":=", 1)[1]
    words = " ".join(argv)
    for known in ("rosmaster", "roslaunch", "roscore"):
        if known in words:
            return known
    return f"firmware:{Path(argv[0]).name}" if argv[0].endswith("_host") else Path(argv[0]).name


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def measure(roots: list[int], seconds: float) -> dict[str, float]:
    """Share of one core (%) per named process over `seconds`."""
    pids = {pid: name_of(pid) for root in roots for pid in descendants(root)}
    pids = {pid: name for pid, name in pids.items() if name and name != "roscore"}
    start = {pid: cpu_seconds(pid) for pid in pids}
    begin = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - begin
    shares: dict[str, float] = {}
    for pid, name in pids.items():
        end = cpu_seconds(pid)
        if end is not None and start[pid] is not None:
            shares[name] = shares.get(name, 0.0) + 100 * (end - start[pid]) / elapsed
    return shares


class Driving:
    """A user driving: /cmd_vel at 10 Hz, turning; the pan sweeping in radar mode."""

    def __init__(self, rospy) -> None:
        from geometry_msgs.msg import Twist
        from std_msgs.msg import Float64

        self._rospy, self._stop = rospy, threading.Event()
        self._cmd = rospy.Publisher("/cmd_vel", Twist, queue_size=1)
        self._pan = rospy.Publisher("/pan/velocity", Float64, queue_size=1, latch=True)
        self._twist = Twist()
        self._twist.linear.x, self._twist.angular.z = 0.1, 0.4
        self._pan.publish(Float64(0.15))
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._cmd.publish(self._twist)

    def close(self) -> None:
        from std_msgs.msg import Float64

        self._stop.set()
        self._thread.join()
        self._pan.publish(Float64(0.0))


def wait_running(rospy) -> None:
    from fixtures.harness import wait_for
    from nav_msgs.msg import Odometry
    from sensor_msgs.msg import Imu, JointState

    for topic, kind in (("/odom", Odometry), ("/imu/data", Imu), ("/joint_states", JointState)):
        wait_for(lambda t=topic, k=kind: rospy.wait_for_message(t, k, timeout=60), 120, topic)
    time.sleep(5)  # the IMU's gyro calibration and every node's start-up settle


def table(idle: dict[str, float], driving: dict[str, float]) -> None:
    names = sorted(set(idle) | set(driving), key=lambda n: -idle.get(n, 0.0))
    print(f"{'process':28} {'idle %':>7} {'before':>7} {'ratio':>6} {'driving %':>10}")
    for name in names:
        before = BEFORE.get(name)
        ratio = f"{idle.get(name, 0.0) / before:.2f}" if before else ""
        was = f"{before:.1f}" if before else ""
        row = f"{name:28} {idle.get(name, 0.0):7.1f} {was:>7} {ratio:>6}"
        print(f"{row} {driving.get(name, 0.0):10.1f}")

    def robot(shares: dict[str, float]) -> float:
        return sum(v for n, v in shares.items() if not n.startswith(NOT_ROBOT))

    sims = ", ".join(n for n in names if n.startswith(NOT_ROBOT))
    print(
        f"\nrobot side (all but {sims}): idle {robot(idle):.1f} % of one core "
        f"(before {BEFORE_TOTAL:.0f} %: ratio {robot(idle) / BEFORE_TOTAL:.2f}), "
        f"driving {robot(driving):.1f} %"
    )
    print(f"everything: idle {sum(idle.values()):.1f} %, driving {sum(driving.values()):.1f} %")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seconds = float(args[0]) if args else 30.0
    dashboard = "--dashboard" in sys.argv
    from fixtures.harness import Master, ProcessGroup

    with tempfile.TemporaryDirectory() as home:
        master = Master(Path(home))
        group = ProcessGroup(master.env, Path(home))
        os.environ.update(master.env)
        os.environ["TERRY_RUN_DIR"] = str(Path(home) / "run")
        group.env = dict(master.env, TERRY_RUN_DIR=os.environ["TERRY_RUN_DIR"])
        try:
            launch = group.start(
                "roslaunch", "terry", "sim.launch", f"no_dashboard:={str(not dashboard).lower()}"
            )
            import rospy

            rospy.init_node("bench_idle", anonymous=True, disable_signals=True)
            wait_running(rospy)
            roots = [master.process.popen.pid, launch.popen.pid]
            print(f"sim.launch up; measuring {seconds:.0f} s at idle, then {seconds:.0f} s driving")
            idle = measure(roots, seconds)
            driving_user = Driving(rospy)
            time.sleep(2)
            driving = measure(roots, seconds)
            driving_user.close()
            table(idle, driving)
        finally:
            group.stop_all()
            master.stop()


if __name__ == "__main__":
    main()
