"""The map amcl is given: the same grid with its origin moved half a cell, because amcl reads
a grid's origin differently from everything else in ROS.

A nav_msgs/OccupancyGrid's origin is the corner of cell (0, 0): cell i spans origin + [i, i + 1)
cells (map_server, costmap_2d, gmapping, rviz). amcl (navigation 1.17: amcl/map/map.h
MAP_WXGX and MAP_GXWX, amcl_node's convertMap) takes origin + i cells as cell i's centre, so it
sees every wall half a cell towards the origin, and puts the robot there with them: 2.5 cm in x
and in y on a 5 cm map. Its pose is corrected by giving it the origin half a cell further out.
"""

from __future__ import annotations

import math


def origin_for_amcl(x: float, y: float, yaw: float, resolution: float) -> tuple[float, float]:
    """The origin (x, y) that makes amcl place a grid's cells where they are: half a cell
    further along the grid's own axes (rotated by the origin's yaw)."""
    if not all(math.isfinite(v) for v in (x, y, yaw, resolution)) or resolution <= 0:
        raise ValueError(f"origin ({x}, {y}, {yaw}) with resolution {resolution}: not a grid")
    half = resolution / 2
    c, s = math.cos(yaw), math.sin(yaw)
    return x + half * (c - s), y + half * (s + c)
