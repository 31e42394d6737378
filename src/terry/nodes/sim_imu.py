"""The simulated IMU board: the real IMU firmware, built for the host, on a pseudo-terminal at
~link, reading a simulated resting MPU-6050 (gravity, gyro bias, noise).

Params: ~link (the port path the imu node opens; default $TERRY_RUN_DIR/imu),
~roll, ~pitch (rad: how the simulated IMU is tilted).
"""

from __future__ import annotations

import rospy

from terry.sim.firmware import start_board
from terry.sim.pty import default_link


def main() -> None:
    rospy.init_node("sim_imu")
    link = rospy.get_param("~link", default_link("imu"))
    tilt = f"{rospy.get_param('~roll', 0.0)},{rospy.get_param('~pitch', 0.0)}"
    board = start_board("imu", link, {"TERRY_SIM_IMU_TILT": tilt})
    rospy.loginfo("simulated IMU board (host-built firmware) on %s", link)
    rospy.on_shutdown(board.terminate)
    while not rospy.is_shutdown() and board.poll() is None:
        rospy.sleep(0.2)
    if board.poll() not in (None, 0, -15):
        rospy.logerr("sim_imu: the firmware exited with status %s", board.returncode)
    board.terminate()
    board.wait()
