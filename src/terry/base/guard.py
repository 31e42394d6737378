"""A forward-speed limit from the Kinect's scan (ROS-free): stop before an obstacle ahead enters
the Kinect's blind spot, where the scan can no longer see it.

The base is a disc; the corridor it sweeps driving straight ahead is as wide as the disc. The
nearest scan point inside that corridor gives the free distance; the base may drive only as fast
as it can still stop, at its deceleration, with the camera `range_min + margin` short of the
obstacle. When the scan does not look straight ahead (the pan unit turned the Kinect away), has
no return near straight ahead (an obstacle inside the blind spot, or nothing in range), or is
stale, nothing is known about the way ahead and forward speed is capped at `blind_speed`.

The scan may be one Kinect frame or the circle of a `Radar` (terry.sensors.radar) that keeps
what the sweeping Kinect saw: then an obstacle seen on the way in stays known inside the blind
spot, and the way ahead is known between the sweep's passes over it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from terry.base.drive import Pose2D


@dataclass(frozen=True)
class GuardSettings:
    robot_radius: float  # m, the disc that holds the base
    deceleration: float  # m/s^2 the base brakes at
    range_min: float = 0.45  # m, the Kinect's blind spot
    margin: float = 0.05  # m kept beyond the blind spot
    blind_speed: float = 0.1  # m/s forward when the way ahead is not seen

    @property
    def cone(self) -> float:
        """Half-angle (rad) around straight ahead where a return says the way ahead was seen:
        the rays that cross the corridor before the camera's stopping point."""
        return math.atan2(self.robot_radius, self.range_min + self.margin)


def forward_speed_limit(
    ranges: np.ndarray,
    angles: np.ndarray,
    sensor: Pose2D,
    settings: GuardSettings,
    camera_x: float | None = None,
) -> float:
    """The highest safe forward speed given one scan; `sensor` is the scan frame in the base's,
    `camera_x` how far ahead of the base's centre the camera stands (default: the scan's origin,
    as for a Kinect frame; a radar's circle is centred elsewhere)."""
    heading = np.arctan2(-math.sin(sensor.yaw), math.cos(sensor.yaw))  # base x axis, sensor frame
    if not np.min(angles) <= heading <= np.max(angles):
        return settings.blind_speed
    valid = np.isfinite(ranges)
    off_ahead = np.abs(np.angle(np.exp(1j * (angles - heading))))
    if not (valid & (off_ahead <= settings.cone)).any():
        return settings.blind_speed
    beam = sensor.yaw + angles[valid]
    xs = sensor.x + ranges[valid] * np.cos(beam)
    ys = sensor.y + ranges[valid] * np.sin(beam)
    ahead = (xs > 0) & (np.abs(ys) <= settings.robot_radius)
    if not ahead.any():
        return math.inf
    # keep the camera range_min + margin short of the nearest obstacle point in the corridor
    camera = sensor.x if camera_x is None else camera_x
    free = float(np.min(xs[ahead])) - camera - settings.range_min - settings.margin
    return math.sqrt(2 * settings.deceleration * max(0.0, free))
