"""E-stop for navigation: while the e-stop is engaged, move_base has no goal.

The base controller stops the wheels itself on /estop/state; this node makes sure move_base does
not carry on (or resume on release) behind the user's back: on every engaged /estop/state
(latched, republished every second) and on any goal move_base reports active while engaged, it
cancels every goal on move_base's action server (the goal ends PREEMPTED: cancelled from
outside, which actionlib distinguishes from a failure of move_base's own, ABORTED). After a
release, the user sends a new goal.

Subscribes: /estop/state (std_msgs/Bool), move_base/status (actionlib_msgs/GoalStatusArray).
Publishes: move_base/cancel (actionlib_msgs/GoalID; an empty id cancels all goals).
"""

from __future__ import annotations

import rospy
from actionlib_msgs.msg import GoalID, GoalStatus, GoalStatusArray
from std_msgs.msg import Bool

from terry.safety.estop import STATE_TOPIC

PUBLISHES = ("move_base/cancel",)
SUBSCRIBES = (STATE_TOPIC, "move_base/status")
RUNNING = (GoalStatus.PENDING, GoalStatus.ACTIVE)


class NavEstop:
    def __init__(self) -> None:
        self.engaged = False
        self.cancel = rospy.Publisher(PUBLISHES[0], GoalID, queue_size=5)
        rospy.Subscriber(SUBSCRIBES[0], Bool, self._on_state, queue_size=5)
        rospy.Subscriber(SUBSCRIBES[1], GoalStatusArray, self._on_status, queue_size=5)

    def _on_state(self, msg: Bool) -> None:
        if msg.data and not self.engaged:
            rospy.logwarn("e-stop engaged: cancelling every move_base goal")
        self.engaged = bool(msg.data)
        if self.engaged:
            self.cancel.publish(GoalID())

    def _on_status(self, msg: GoalStatusArray) -> None:
        if self.engaged and any(s.status in RUNNING for s in msg.status_list):
            self.cancel.publish(GoalID())


def main() -> None:
    rospy.init_node("nav_estop")
    NavEstop()
    rospy.spin()
