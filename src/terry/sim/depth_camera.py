"""The simulated Kinect as a depth camera: what the driver's depth image shows in the 2-D world.

ROS-free. The world is a 2-D map; every solid cell is a wall from the floor up to `wall_height`,
and the floor is a plane at z = 0. Each pixel's ray (a pinhole camera, REP 103 optical frame: z
forward, x right, y down) is followed until it meets a wall or the floor; its depth is the
distance along the optical axis, as the Kinect reports it. Like the Kinect: no data (NaN) nearer
than `range_min` (the blind spot) or beyond `range_max`, and noise that grows with the square of
the depth (Nguyen, Izadi and Lovell 2012: sigma = 1.2 mm + 1.9 mm * (z - 0.4 m)^2).

Walls are found by casting one horizontal ray per heading (twice as many headings as image
columns, shared by every row), so a tilted camera costs no more than a level one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from terry.sim.world import OccupancyMap, cast

KINECT_FOCAL = 575.8  # px at 640 x 480, the Kinect's depth camera (openni/freenect default)


@dataclass(frozen=True)
class DepthCamera:
    """The depth image's geometry and the sensor's limits; focal length and centre in pixels."""

    width: int = 160
    height: int = 120
    range_min: float = 0.45
    range_max: float = 8.0
    wall_height: float = 2.0
    noise: bool = True

    def __post_init__(self) -> None:
        if not (8 <= self.width <= 640 and 6 <= self.height <= 480):
            raise ValueError(f"image size {self.width} x {self.height}: 8..640 x 6..480 pixels")
        limits = (self.range_min, self.range_max, self.wall_height)
        if not all(math.isfinite(v) and v > 0 for v in limits) or self.range_min >= self.range_max:
            raise ValueError(f"need 0 < range_min < range_max and wall_height > 0, got {limits}")

    @property
    def focal(self) -> float:
        return KINECT_FOCAL * self.width / 640

    @property
    def centre(self) -> tuple[float, float]:
        return (self.width - 1) / 2, (self.height - 1) / 2

    @property
    def fov(self) -> float:
        """Horizontal field of view (rad)."""
        return 2 * math.atan(self.width / 2 / self.focal)

    def rays(self) -> np.ndarray:
        """(3, height, width) ray directions in the optical frame, scaled to unit depth (z = 1)."""
        cx, cy = self.centre
        v, u = np.mgrid[0 : self.height, 0 : self.width].astype(float)
        return np.stack([(u - cx) / self.focal, (v - cy) / self.focal, np.ones_like(u)])


def render(
    grid: OccupancyMap,
    camera: DepthCamera,
    position: np.ndarray,
    rotation: np.ndarray,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Depth image (metres, float32, NaN: no data) from a camera at `position` (x, y, z in the
    map) with `rotation` (3 x 3, map <- optical frame)."""
    position, rotation = np.asarray(position, float), np.asarray(rotation, float)
    if position.shape != (3,) or rotation.shape != (3, 3):
        raise ValueError("position must be 3 numbers and rotation a 3 x 3 matrix")
    if not (np.isfinite(position).all() and np.isfinite(rotation).all()):
        raise ValueError("the camera's pose must be finite")
    d = np.einsum("ij,jhw->ihw", rotation, camera.rays())
    forward = math.atan2(rotation[1, 2], rotation[0, 2])
    relative = np.angle(np.exp(1j * (np.arctan2(d[1], d[0]) - forward)))
    low, high = relative.min(), relative.max()
    headings = np.linspace(low, high, 2 * camera.width)
    horizontal = np.hypot(d[0], d[1])
    reach = camera.range_max * float(np.max(horizontal)) + grid.resolution
    walls = cast(grid, position[0], position[1], forward + headings, reach)
    index = np.rint((relative - low) / max(high - low, 1e-12) * (headings.size - 1)).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_wall = walls[index] / horizontal
        z_wall = position[2] + t_wall * d[2]
        t_wall = np.where((z_wall >= 0) & (z_wall <= camera.wall_height), t_wall, np.inf)
        t_floor = np.where(d[2] < 0, position[2] / -d[2], np.inf)
    depth = np.minimum(t_wall, t_floor)
    if camera.noise:
        rng = rng if rng is not None else np.random.default_rng()
        finite = np.isfinite(depth)
        sigma = 0.0012 + 0.0019 * (depth[finite] - 0.4) ** 2
        depth[finite] += rng.normal(0.0, 1.0, sigma.size) * sigma
    seen = (depth >= camera.range_min) & (depth <= camera.range_max)
    return np.where(seen, depth, np.nan).astype(np.float32)


def rotation_matrix(q: tuple[float, float, float, float]) -> np.ndarray:
    """The 3 x 3 rotation of a unit quaternion (x, y, z, w)."""
    x, y, z, w = np.asarray(q, float) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def millimetres(depth: np.ndarray) -> np.ndarray:
    """A depth image in metres (NaN: no data) as the Kinect driver's 16UC1 (mm, 0: no data)."""
    return np.where(np.isfinite(depth), np.rint(depth * 1000), 0).astype(np.uint16)
