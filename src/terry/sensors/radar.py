"""The radar (ROS-free): a turning Kinect's narrow scans gathered into one full-circle scan in a
frame fixed to the base, for gmapping and amcl, which read a laser's mounting pose only once.

Every return is kept as a point in a world-fixed frame (odom), where the robot's own motion does
not move it; each scan is placed with the sensor's pose at the time it was taken, so a sector
lands where the Kinect was pointing when it saw it. The circle is the points seen from the
output frame (`radar_link`, on the pan axis): one range per bearing bin, the nearest fresh
point in that bin. Nearest, not newest: a point seen from a few decimetres back may lie behind
a door frame from here, and a scan of the newest point alone would draw a free ray through the
frame into gmapping's map. Points are stored at `KEEP` times finer bearings, the newest per
fine bearing (a scan from nearly here that sees past an older point says that point is gone),
so that when the robot moves and stored points shift between bins, no bin is left empty.

Points expire after `max_age` (one sweep period, 2 pi / pan speed) and once the base has moved
more than `max_travel` or turned more than `max_turn` since they were seen (odometry errs more
the further it goes). A bin with no point is NaN: unknown. gmapping, amcl and the costmaps skip
NaN, whereas +inf or range_max would mark the whole ray free out to the maximum range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from terry.base.drive import Pose2D

KEEP = 4  # stored points per output bin


@dataclass(frozen=True)
class SectorScan:
    """One scan of the Kinect, as sensor_msgs/LaserScan has it (angles in the sensor's frame)."""

    ranges: np.ndarray
    angle_min: float
    angle_increment: float
    range_min: float
    range_max: float

    def __post_init__(self) -> None:
        ranges = np.asarray(self.ranges, dtype=float)
        if ranges.ndim != 1 or ranges.size == 0:
            raise ValueError(f"a scan needs a flat list of ranges, got shape {ranges.shape}")
        values = (self.angle_min, self.angle_increment, self.range_min, self.range_max)
        if not all(math.isfinite(v) and abs(v) < 1e3 for v in values):
            raise ValueError(f"scan angles and range limits must be finite and sane, got {values}")
        if self.angle_increment == 0 or not 0 <= self.range_min < self.range_max:
            raise ValueError(
                f"scan needs angle_increment != 0 and 0 <= range_min < range_max, got "
                f"{self.angle_increment}, {self.range_min}, {self.range_max}"
            )
        object.__setattr__(self, "ranges", ranges)

    def points(self, sensor: Pose2D) -> np.ndarray:
        """The returns within the scan's range limits as (n, 2) points in the sensor's parent."""
        r = self.ranges
        with np.errstate(invalid="ignore"):
            valid = np.isfinite(r) & (r >= self.range_min) & (r <= self.range_max)
        beam = sensor.yaw + self.angle_min + self.angle_increment * np.flatnonzero(valid)
        return np.column_stack(
            (sensor.x + r[valid] * np.cos(beam), sensor.y + r[valid] * np.sin(beam))
        )


def _finite_pose(pose: Pose2D, what: str) -> None:
    if not all(math.isfinite(v) and abs(v) < 1e6 for v in (pose.x, pose.y, pose.yaw)):
        raise ValueError(f"{what} must be finite, got {pose}")


class Radar:
    """Full-circle scans around `origin` (the output frame's pose in odom) from sector scans."""

    def __init__(
        self,
        bins: int = 720,
        range_max: float = 8.0,
        max_age: float = 40.0,
        max_travel: float = 1.0,
        max_turn: float = 1.0,
    ) -> None:
        limits = (range_max, max_age, max_travel, max_turn)
        if not (isinstance(bins, int) and 8 <= bins <= 100_000):
            raise ValueError(f"bins must be an integer in 8 .. 100000, got {bins!r}")
        if not all(math.isfinite(v) and v > 0 for v in limits):
            raise ValueError(f"range_max, max_age, max_travel, max_turn must be > 0, got {limits}")
        self.bins = bins
        self.range_max = range_max
        self.max_age, self.max_travel, self.max_turn = max_age, max_travel, max_turn
        self.angle_increment = 2 * math.pi / bins
        self.angle_min = -math.pi
        self.angle_max = self.angle_min + (bins - 1) * self.angle_increment
        self._xy = np.empty((0, 2))  # points in odom
        self._stamp = np.empty(0)  # when each was seen
        self._seen_from = np.empty((0, 3))  # the origin's x, y, yaw in odom when it was seen

    def __len__(self) -> int:
        return len(self._stamp)

    def add(self, stamp: float, scan: SectorScan, sensor: Pose2D, origin: Pose2D) -> None:
        """Add a scan taken at `stamp` with the sensor and the output frame at these odom poses."""
        if not math.isfinite(stamp):
            raise ValueError(f"stamp must be finite, got {stamp}")
        _finite_pose(sensor, "the sensor's pose")
        _finite_pose(origin, "the radar frame's pose")
        new = scan.points(sensor)
        xy = np.concatenate((new, self._xy))
        stamps = np.concatenate((np.full(len(new), stamp), self._stamp))
        seen_from = np.concatenate(
            (np.tile((origin.x, origin.y, origin.yaw), (len(new), 1)), self._seen_from)
        )
        keep, _, _ = self._visible(
            stamp, origin, xy, stamps, seen_from, self.bins * KEEP, newest=True
        )
        self._xy, self._stamp, self._seen_from = xy[keep], stamps[keep], seen_from[keep]

    def ranges(self, stamp: float, origin: Pose2D) -> np.ndarray:
        """The circle seen from `origin` at `stamp`: `bins` ranges from angle_min, NaN unknown."""
        if not math.isfinite(stamp):
            raise ValueError(f"stamp must be finite, got {stamp}")
        _finite_pose(origin, "the radar frame's pose")
        keep, bins, distance = self._visible(
            stamp, origin, self._xy, self._stamp, self._seen_from, self.bins, newest=False
        )
        out = np.full(self.bins, np.nan)
        out[bins[keep]] = distance[keep]
        return out

    def _visible(
        self,
        stamp: float,
        origin: Pose2D,
        xy: np.ndarray,
        stamps: np.ndarray,
        seen: np.ndarray,
        count: int,
        newest: bool,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Indices of the points that are fresh and win their bin (of `count` over a turn, the
        first centred on angle_min): the newest (then nearest) or the nearest (then newest);
        with every point's bin and distance from `origin`."""
        dx, dy = xy[:, 0] - origin.x, xy[:, 1] - origin.y
        distance = np.hypot(dx, dy)
        bearing = np.arctan2(dy, dx) - origin.yaw
        bins = np.rint((bearing - self.angle_min) * count / (2 * math.pi)).astype(int) % count
        turned = np.abs(np.angle(np.exp(1j * (origin.yaw - seen[:, 2]))))
        fresh = (
            (stamp - stamps <= self.max_age)
            & (np.hypot(seen[:, 0] - origin.x, seen[:, 1] - origin.y) <= self.max_travel)
            & (turned <= self.max_turn)
            & (distance <= self.range_max)
        )
        candidates = np.flatnonzero(fresh)
        keys = (distance[candidates], -stamps[candidates])
        order = candidates[np.lexsort((*(keys if newest else keys[::-1]), bins[candidates]))]
        _, first = np.unique(bins[order], return_index=True)
        return order[first], bins, distance
