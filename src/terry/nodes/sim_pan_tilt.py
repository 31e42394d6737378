"""The simulated pan/tilt board: the real pan/tilt firmware, built for the host, on a
pseudo-terminal at ~link, driving a simulated gearmotor, 24:80 gears, encoder and tilt servo.

Params: ~link (the port path the pan_tilt node opens; default $TERRY_RUN_DIR/pan_tilt).
"""

from __future__ import annotations

import rospy

from terry.nodes.startup import run_firmware_board


def main() -> None:
    rospy.init_node("sim_pan_tilt")
    run_firmware_board("pan_tilt")
