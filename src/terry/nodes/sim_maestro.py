"""A simulated Maestro on a pseudo-terminal, for the servo driver to talk to in simulation.

Params: ~link (the port path the driver opens), ~channels (6), ~servo_slew (how fast the
simulated servos can turn, quarter-microseconds per 10 ms; 0: instantly).
"""

from __future__ import annotations

import rospy

from terry.sim.maestro_device import MaestroDevice, serve
from terry.sim.pty import default_link


def main() -> None:
    rospy.init_node("sim_maestro")
    link = rospy.get_param("~link", default_link("maestro"))
    device = MaestroDevice(rospy.get_param("~channels", 6), rospy.get_param("~servo_slew", 100))
    rospy.loginfo("simulated Maestro on %s", link)
    serve(link, device, lambda: not rospy.is_shutdown())
