"""The simulated IMU board: the real IMU firmware, built for the host, on a pseudo-terminal at
~link, reading a simulated resting MPU-6050 (gravity, gyro bias, noise).

Params: ~link (the port path the imu node opens; default $TERRY_RUN_DIR/imu),
~roll, ~pitch (rad: how the simulated IMU is tilted).
"""

from __future__ import annotations

import rospy

from terry.nodes.startup import run_firmware_board


def main() -> None:
    rospy.init_node("sim_imu")
    tilt = f"{rospy.get_param('~roll', 0.0)},{rospy.get_param('~pitch', 0.0)}"
    run_firmware_board("imu", {"TERRY_SIM_IMU_TILT": tilt})
