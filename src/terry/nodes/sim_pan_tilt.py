"""The simulated pan/tilt board: the real pan/tilt firmware, built for the host, on a
pseudo-terminal at ~link, driving a simulated gearmotor, 24:80 gears, encoder and tilt servo.

Params: ~link (the port path the pan_tilt node opens; default $TERRY_RUN_DIR/pan_tilt).
"""

from __future__ import annotations

import rospy

from terry.sim.firmware import start_board
from terry.sim.pty import default_link


def main() -> None:
    rospy.init_node("sim_pan_tilt")
    link = rospy.get_param("~link", default_link("pan_tilt"))
    board = start_board("pan_tilt", link)
    rospy.loginfo("simulated pan/tilt board (host-built firmware) on %s", link)
    rospy.on_shutdown(board.terminate)
    while not rospy.is_shutdown() and board.poll() is None:
        rospy.sleep(0.2)
    if board.poll() not in (None, 0, -15):
        rospy.logerr("sim_pan_tilt: the firmware exited with status %s", board.returncode)
    board.terminate()
    board.wait()
