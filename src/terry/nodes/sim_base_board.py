"""The simulated base motor board on a pseudo-terminal, for the base controller to talk to in
simulation, with its wheel plant's true wheel angles on sim/base/wheels for the simulated world.

Params: ~link (the port path the controller opens), ~rate (wheel angle publishing rate, Hz),
~battery (the simulated battery's charge at start, 0..1; it drains with wheel effort).
Publishes: sim/base/wheels (sensor_msgs/JointState: left_wheel_joint, right_wheel_joint).
"""

from __future__ import annotations

import rospy
from sensor_msgs.msg import JointState

from terry.model import WHEEL_JOINTS
from terry.sim.base_board import BaseBoardModel, SimBattery, serve
from terry.sim.pty import default_link

PUBLISHES = ("sim/base/wheels",)


def main() -> None:
    rospy.init_node("sim_base_board")
    link = rospy.get_param("~link", default_link("base"))
    try:
        board = BaseBoardModel(battery=SimBattery(float(rospy.get_param("~battery", 1.0))))
    except (TypeError, ValueError) as error:
        rospy.logfatal(f"sim_base_board: ~battery: {error}")
        raise SystemExit(1) from error
    period = 1.0 / rospy.get_param("~rate", 50.0)
    publisher = rospy.Publisher(PUBLISHES[0], JointState, queue_size=10)
    last = [0.0]

    def publish(board: BaseBoardModel) -> None:
        if board.clock - last[0] < period:
            return
        last[0] = board.clock
        msg = JointState()
        msg.header.stamp = rospy.Time.now()
        msg.name = list(WHEEL_JOINTS)
        msg.position = [w.angle for w in board.wheels]
        msg.velocity = [w.speed for w in board.wheels]
        publisher.publish(msg)

    rospy.loginfo("simulated base board on %s", link)
    serve(link, board, lambda: not rospy.is_shutdown(), publish)
