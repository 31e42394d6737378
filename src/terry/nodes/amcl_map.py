"""The amcl_map node: republishes the map for amcl with its origin moved half a cell
(terry.nav.amcl_map says why), so that amcl's pose is not half a cell off.

Subscribes: map (nav_msgs/OccupancyGrid, map_server's, latched).
Publishes: amcl_map (the same grid, latched; navigation.launch remaps amcl's map to it).
A map that is not a grid (resolution not positive, origin not finite) is logged and not passed on.
"""

from __future__ import annotations

import rospy
from nav_msgs.msg import OccupancyGrid

from terry.base.drive import Pose2D
from terry.nav.amcl_map import origin_for_amcl

SUBSCRIBES = ("map",)
PUBLISHES = ("amcl_map",)


class AmclMap:
    def __init__(self) -> None:
        self.publisher = rospy.Publisher(PUBLISHES[0], OccupancyGrid, queue_size=1, latch=True)
        rospy.Subscriber(SUBSCRIBES[0], OccupancyGrid, self._on_map, queue_size=1)

    def _on_map(self, msg: OccupancyGrid) -> None:
        origin = msg.info.origin
        q = origin.orientation
        yaw = Pose2D.projected(0.0, 0.0, (q.x, q.y, q.z, q.w)).yaw
        try:
            x, y = origin_for_amcl(origin.position.x, origin.position.y, yaw, msg.info.resolution)
        except ValueError as error:
            rospy.logerr(f"amcl_map: map not passed on to amcl: {error}")
            return
        origin.position.x, origin.position.y = x, y
        self.publisher.publish(msg)


def main() -> None:
    rospy.init_node("amcl_map")
    AmclMap()
    rospy.spin()
