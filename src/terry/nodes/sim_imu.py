"""The simulated IMU board: the real IMU firmware, built for the host, on a pseudo-terminal at
~link, reading a simulated resting MPU-6050 (gravity, gyro bias, noise).

Params: ~link (the port path the imu node opens; default $TERRY_RUN_DIR/imu),
~roll, ~pitch (rad: how the simulated IMU is tilted at start). Sensor errors, for the
calibration tools (firmware/host/imu_host.cpp): ~gyro_bias ([x, y, z] rad/s; default the
plant's own), ~accel_offset ([x, y, z] m/s^2, default 0), ~accel_scale ([x, y, z], default 1).
Subscribes sim/imu/pose (geometry_msgs/Vector3: x roll, y pitch in rad; z unused): puts the
resting IMU in that pose, as a user holding the robot on its side would; and sim/ground_truth
(nav_msgs/Odometry, the simulated world's): its yaw rate and its turn turn the gyro, as the base
turns it (the gyro's integral follows the true turn however late the world's messages come).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import rospy
from geometry_msgs.msg import Vector3
from nav_msgs.msg import Odometry

from terry.base.drive import Pose2D
from terry.nodes.startup import run_firmware_board
from terry.sim.pty import default_link

ERRORS = {
    "gyro_bias": "TERRY_SIM_IMU_GYRO_BIAS",
    "accel_offset": "TERRY_SIM_IMU_ACCEL_OFFSET",
    "accel_scale": "TERRY_SIM_IMU_ACCEL_SCALE",
}


def vector_text(name: str, value: object) -> str:
    """ "x,y,z" for the firmware's plant; ValueError naming the parameter for anything else."""
    try:
        numbers = [float(v) for v in value]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != 3 or not all(math.isfinite(v) for v in numbers):
        raise ValueError(f"~{name} must be three finite numbers [x, y, z], got {value!r}")
    return ",".join(repr(v) for v in numbers)


class TrueTurn:
    """The world's yaw rate and its turn since the first message (rad, whole turns counted),
    which the plant's gyro follows (firmware/host/imu_host.cpp)."""

    def __init__(self) -> None:
        self.rate, self.turned = 0.0, 0.0
        self._yaw: float | None = None

    def update(self, rate: float, yaw: float) -> bool:
        """One ground-truth message; whether anything changed (False for non-finite values)."""
        if not (math.isfinite(rate) and math.isfinite(yaw)):
            return False
        step = 0.0 if self._yaw is None else math.remainder(yaw - self._yaw, math.tau)
        self._yaw = yaw
        if step == 0.0 and rate == self.rate:
            return False
        self.rate, self.turned = rate, self.turned + step
        return True


def write_numbers(path: Path, *numbers: float) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(" ".join(repr(n) for n in numbers) + "\n")
    os.replace(partial, path)  # the plant never reads half a file


def main() -> None:
    rospy.init_node("sim_imu")
    tilt = f"{rospy.get_param('~roll', 0.0)},{rospy.get_param('~pitch', 0.0)}"
    link = rospy.get_param("~link", default_link("imu"))
    pose, motion = Path(f"{link}.pose"), Path(f"{link}.motion")
    env = {
        "TERRY_SIM_IMU_TILT": tilt,
        "TERRY_SIM_IMU_POSE": str(pose),
        "TERRY_SIM_IMU_MOTION": str(motion),
    }
    try:
        for name, variable in ERRORS.items():
            if rospy.has_param(f"~{name}"):
                env[variable] = vector_text(name, rospy.get_param(f"~{name}"))
    except ValueError as error:
        rospy.logfatal(f"sim_imu: {error}")
        raise SystemExit(1) from error
    for path in (pose, motion):
        path.unlink(missing_ok=True)  # left by an earlier run, not this one's
    turn = TrueTurn()

    def on_pose(msg: Vector3) -> None:
        if not (math.isfinite(msg.x) and math.isfinite(msg.y)):
            rospy.logerr(f"sim_imu: pose ({msg.x}, {msg.y}) refused: not finite numbers")
            return
        write_numbers(pose, msg.x, msg.y)
        rospy.loginfo(f"sim_imu: IMU now at roll {msg.x:.3f}, pitch {msg.y:.3f} rad")

    def on_truth(msg: Odometry) -> None:
        q = msg.pose.pose.orientation
        yaw = Pose2D.projected(0.0, 0.0, (q.x, q.y, q.z, q.w)).yaw
        if turn.update(msg.twist.twist.angular.z, yaw):
            write_numbers(motion, turn.rate, turn.turned)

    rospy.Subscriber("sim/imu/pose", Vector3, on_pose, queue_size=10)
    rospy.Subscriber("sim/ground_truth", Odometry, on_truth, queue_size=10)
    run_firmware_board("imu", env)
