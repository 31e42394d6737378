"""IMU calibration from six still poses: `python -m terry.bringup.calibrate_imu` (or `rosrun terry
calibrate_imu`) with the imu node running.

For each pose it says how to hold the robot (or the IMU board alone, before it is mounted: what
counts is the board's axes, x forward, y left, z up), waits for Enter, and averages --samples
readings from imu/uncalibrated (the board's own, before any calibration); if the robot moved it
asks again. With --sim it puts the simulated IMU in each pose itself (sim/imu/pose, sim_imu).
The gyro bias, accelerometer offsets and scale (terry.sensors.imu_calibration) go to --output
(config/calibration/imu.yaml), which the imu node loads when it starts: `rosnode kill /imu` (the
launch files respawn it).
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import rospy
from geometry_msgs.msg import Vector3
from sensor_msgs.msg import Imu

from terry.calibration import files
from terry.calibration.prompts import ask
from terry.sensors.imu_calibration import NAME, StillPose, fit, save

# name, what the user does, the simulated IMU's roll and pitch (rad) for it
POSES = (
    ("level", "stand the robot level on its wheels (z up)", 0.0, 0.0),
    ("upside down", "turn it upside down (z down)", math.pi, 0.0),
    ("left side up", "lay it on its right side, left side up (y up)", math.pi / 2, 0.0),
    ("right side up", "lay it on its left side, right side up (y down)", -math.pi / 2, 0.0),
    ("front up", "stand it on its back end, front up (x up)", 0.0, -math.pi / 2),
    ("front down", "stand it on its front, back end up (x down)", 0.0, math.pi / 2),
)
STILL_GYRO = 0.05  # rad/s: the most the gyro may spread while the robot counts as still
STILL_ACCEL = 0.5  # m/s^2 of standard deviation
SIM_SETTLE = 0.5  # s for the simulated IMU to take a new pose


class Readings:
    """Collects imu/uncalibrated while asked to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: list[tuple[float, ...]] | None = None
        self.heard = False
        rospy.Subscriber("imu/uncalibrated", Imu, self._on_imu, queue_size=100)

    def _on_imu(self, msg: Imu) -> None:
        a, g = msg.linear_acceleration, msg.angular_velocity
        with self._lock:
            self.heard = True
            if self._samples is not None:
                self._samples.append((a.x, a.y, a.z, g.x, g.y, g.z))

    def collect(self, count: int, timeout: float) -> np.ndarray:
        with self._lock:
            self._samples = []
        deadline = time.monotonic() + timeout
        while len(self._samples) < count:
            if rospy.is_shutdown() or time.monotonic() > deadline:
                raise RuntimeError(
                    f"fewer than {count} readings in {timeout:.0f} s on imu/uncalibrated"
                )
            time.sleep(0.02)
        with self._lock:
            data, self._samples = np.array(self._samples[:count]), None
        return data


def still_pose(data: np.ndarray) -> StillPose | str:
    """The pose's means, or why the robot did not count as still."""
    spread = float(np.max(data[:, 3:].max(axis=0) - data[:, 3:].min(axis=0)))
    shake = float(np.max(data[:, :3].std(axis=0)))
    if spread > STILL_GYRO or shake > STILL_ACCEL:
        return f"it moved (gyro spread {spread:.3f} rad/s, accel std {shake:.2f} m/s^2)"
    accel, gyro = data[:, :3].mean(axis=0), data[:, 3:].mean(axis=0)
    return StillPose(tuple(float(v) for v in accel), tuple(float(v) for v in gyro))  # type: ignore[arg-type]


def measure(
    readings: Readings, samples: int, place: Callable[[str, str, float, float], None]
) -> list[StillPose]:
    poses = []
    for name, how, roll, pitch in POSES:
        while True:
            place(name, how, roll, pitch)
            result = still_pose(readings.collect(samples, timeout=30 + samples / 10))
            if isinstance(result, StillPose):
                a = result.accel
                print(f"  {name}: accel {a[0]:+.3f} {a[1]:+.3f} {a[2]:+.3f} m/s^2")
                poses.append(result)
                break
            print(f"  {name}: {result}; hold it still and try again")
    return poses


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=200, help="readings per pose (200)")
    parser.add_argument("--sim", action="store_true", help="pose the simulated IMU, ask nothing")
    parser.add_argument(
        "--output", type=Path, default=files.default_path(NAME), help="the calibration file"
    )
    parser.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")
    args = parser.parse_args(rospy.myargv(argv if argv is not None else sys.argv)[1:])
    if not 20 <= args.samples <= 10000:
        parser.error(f"--samples must be 20..10000, got {args.samples}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    rospy.init_node("calibrate_imu", anonymous=True)
    readings = Readings()
    sim_pose = rospy.Publisher("sim/imu/pose", Vector3, queue_size=1, latch=True)

    def place(name: str, how: str, roll: float, pitch: float) -> None:
        if args.sim:
            print(f"pose {name}: the simulated IMU at roll {roll:.2f}, pitch {pitch:.2f} rad")
            sim_pose.publish(Vector3(roll, pitch, 0.0))
            time.sleep(SIM_SETTLE)
        else:
            ask(f"pose {name}: {how}; hold it still and press Enter ")

    try:
        deadline = time.monotonic() + 30
        while not readings.heard or (args.sim and not sim_pose.get_num_connections()):
            if time.monotonic() > deadline:
                missing = "sim_imu on sim/imu/pose" if readings.heard else "imu/uncalibrated"
                raise RuntimeError(f"nothing on {missing} after 30 s: is the imu node running?")
            time.sleep(0.1)
        calibration = fit(measure(readings, args.samples, place))
    except (RuntimeError, ValueError, EOFError) as error:
        print(f"calibrate_imu: {error}", file=sys.stderr)
        return 1
    finally:
        if args.sim:
            sim_pose.publish(Vector3(0.0, 0.0, 0.0))  # back on its wheels
            time.sleep(SIM_SETTLE)  # for the latched pose to reach sim_imu before we exit
    for name in ("gyro_bias", "accel_offset", "accel_scale"):
        print(f"{name}: {' '.join(f'{v:+.5f}' for v in getattr(calibration, name))}")
    if args.dry_run:
        return 0
    path = save(calibration, args.output)
    print(f"written to {path}; the imu node loads it when it starts (rosnode kill it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
