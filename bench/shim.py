"""Benchmark: the smoothing shim against a naive linear interpolator, and the running node.

1. CPU per trajectory (process time to validate and plan; to sample one 50 Hz setpoint), for
   the sinusoidal planner and a naive linear interpolator doing the same job in this process.
2. With a real master and the smooth_shim node: command-to-first-output latency on
   /arm/joint_command with smoothing on (first setpoint) and off (forwarded as is), and the
   jitter of the 50 Hz setpoint stream. All printed with percentiles.
Run: ./run bench shim   (or .venv/bin/python bench/shim.py [--trajectories N])
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "test"))

from terry.arm.smoothing import PASS_THROUGH, Smoother, parse_command  # noqa: E402
from terry.model import ARM_JOINTS, load_robot  # noqa: E402

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}


def percentiles(values: list[float], unit: float = 1e-3) -> str:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / unit

    top = ordered[-1] / unit
    return f"p50 {at(0.5):8.3f}  p90 {at(0.9):8.3f}  p99 {at(0.99):8.3f}  max {top:8.3f}"


def random_points(rng: random.Random, count: int) -> list[tuple[float, list[float]]]:
    return [
        (
            0.5 * (i + 1),
            [rng.uniform(JOINTS[n].lower, JOINTS[n].upper) for n in ARM_JOINTS],
        )
        for i in range(count)
    ]


class LinearPeer:
    """The naive peer: straight lines between points at the requested times, no limits."""

    def plan(self, start: list[float], points):
        return [(0.0, start), *points]

    @staticmethod
    def sample(plan, time: float) -> list[float]:
        for (t0, p0), (t1, p1) in pairwise(plan):
            if time < t1:
                share = (time - t0) / (t1 - t0)
                return [a + (b - a) * share for a, b in zip(p0, p1, strict=True)]
        return list(plan[-1][1])


def cpu(trajectories: int) -> None:
    rng = random.Random(1)
    smoother, peer = Smoother(JOINTS), LinearPeer()
    for count in (1, 3):
        commands = [random_points(rng, count) for _ in range(trajectories)]
        timings = {"sinusoidal": [], "linear peer": []}
        samples = {"sinusoidal": [], "linear peer": []}
        for points in commands:
            begin = time.process_time()
            plan = smoother.splice(
                smoother.hold(0.0, {}), 0.0, parse_command(ARM_JOINTS, points, JOINTS), PASS_THROUGH
            )
            middle = time.process_time()
            plan.sample(plan.end / 2)
            timings["sinusoidal"].append(middle - begin)
            samples["sinusoidal"].append(time.process_time() - middle)
            begin = time.process_time()
            linear = peer.plan([0.0] * len(ARM_JOINTS), points)
            middle = time.process_time()
            peer.sample(linear, 0.25)
            timings["linear peer"].append(middle - begin)
            samples["linear peer"].append(time.process_time() - middle)
        print(f"\nCPU per {count}-point trajectory for 5 joints (ms, process time):")
        for name in timings:
            print(f"  plan   {name:12s} {percentiles(timings[name])}")
            print(f"  sample {name:12s} {percentiles(samples[name])}")
        ratio = statistics.median(timings["sinusoidal"]) / statistics.median(timings["linear peer"])
        print(
            f"  planning: sinusoidal / linear peer = {ratio:.0f}x (medians); both far under 20 ms"
        )


def node(moves: int) -> None:
    from fixtures.harness import Master, ProcessGroup

    with tempfile.TemporaryDirectory() as home:
        master = Master(Path(home))
        group = ProcessGroup(master.env, Path(home))
        try:
            os.environ.update(master.env)
            import rospy
            from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

            group.start("rosrun", "terry", "estop")  # the shim moves nothing without it
            group.start("rosrun", "terry", "smooth_shim")
            rospy.init_node("bench_shim", disable_signals=True)
            arrivals: list[float] = []
            lock = threading.Lock()

            def received(_msg) -> None:
                with lock:
                    arrivals.append(time.perf_counter())

            rospy.Subscriber("/arm/joint_command", JointTrajectory, received, queue_size=100)
            commands = rospy.Publisher("/arm/smooth_command", JointTrajectory, queue_size=10)
            while commands.get_num_connections() == 0:
                time.sleep(0.1)
            time.sleep(1.0)
            rng = random.Random(2)

            def send(seconds: float) -> float:
                target = rng.uniform(-1.0, 1.0)
                point = JointTrajectoryPoint(
                    positions=[target], time_from_start=rospy.Duration(seconds)
                )
                with lock:
                    arrivals.clear()
                sent = time.perf_counter()
                commands.publish(JointTrajectory(joint_names=["arm_wrist"], points=[point]))
                return sent

            results = {}
            for enabled in (True, False):
                rospy.set_param("/smooth_shim/enabled", enabled)
                time.sleep(0.6)
                latencies, intervals = [], []
                for _ in range(moves):
                    sent = send(1.0)
                    time.sleep(1.3 if enabled else 0.3)
                    with lock:
                        got = list(arrivals)
                    if got:
                        latencies.append(got[0] - sent)
                        intervals += [b - a for a, b in pairwise(got[1:])]
                results[enabled] = latencies
                name = "on (first setpoint)" if enabled else "off (forwarded as is)"
                print(f"\ncommand -> first /arm/joint_command, smoothing {name} (ms):")
                print(f"  {percentiles(latencies)}   ({len(latencies)} commands)")
                if enabled:
                    jitter = [abs(i - 0.02) for i in intervals]
                    print("50 Hz setpoint stream: interval (ms)")
                    print(f"  {percentiles(intervals)}   ({len(intervals)} intervals)")
                    print(f"  |interval - 20 ms|: {percentiles(jitter)}")
            ratio = statistics.median(results[True]) / statistics.median(results[False])
            print(f"latency: smoothing on / off (pass-through peer) = {ratio:.2f} (medians)")
            rospy.signal_shutdown("bench done")
        finally:
            group.stop_all()
            master.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=2000)
    parser.add_argument("--moves", type=int, default=20, help="commands sent to the node per mode")
    args = parser.parse_args()
    cpu(args.trajectories)
    node(args.moves)


if __name__ == "__main__":
    main()
