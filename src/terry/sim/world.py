"""The simulated 2-D world: an occupancy map, the robot's true pose and a simulated Kinect scan.

ROS-free. The map is a map_server-format PGM + YAML (maps/); the robot is a disc that drives on
its two wheels and stops at walls; the Kinect is a ray caster that reports what
depthimage_to_laserscan would: one range per depth-image column over a 57 degree field of view,
nothing (NaN) inside the 0.45 m blind spot or beyond the maximum range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from terry.base.drive import Pose2D, integrate_arc
from terry.model import DriveGeometry
from terry.sim.wheel_slip import WheelSlip


def read_pgm(path: Path) -> np.ndarray:
    """A binary (P5) 8-bit PGM image as a uint8 array, row 0 at the top."""
    data = Path(path).read_bytes()
    tokens: list[bytes] = []
    pos = 0
    while len(tokens) < 4:
        while pos < len(data) and data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while pos < len(data) and not data[pos : pos + 1].isspace():
            pos += 1
        tokens.append(data[start:pos])
    magic, width, height, maxval = tokens[0], int(tokens[1]), int(tokens[2]), int(tokens[3])
    if magic != b"P5" or maxval > 255:
        raise ValueError(f"{path}: only binary 8-bit PGM (P5, maxval <= 255) maps are supported")
    pixels = np.frombuffer(data, dtype=np.uint8, count=width * height, offset=pos + 1)
    return pixels.reshape(height, width)


def write_pgm(path: Path, image: np.ndarray) -> None:
    """Write a uint8 array as a binary PGM (row 0 at the top)."""
    height, width = image.shape
    Path(path).write_bytes(b"P5\n%d %d\n255\n" % (width, height) + image.astype(np.uint8).tobytes())


@dataclass(frozen=True)
class OccupancyMap:
    """Which cells are solid; row 0 is the row at origin y (the PGM's bottom row)."""

    solid: np.ndarray
    resolution: float
    origin: tuple[float, float]

    @classmethod
    def load(cls, yaml_path: Path | str) -> OccupancyMap:
        """Load a map_server map; anything not free (occupied or unknown) counts as solid."""
        yaml_path = Path(yaml_path)
        meta = yaml.safe_load(yaml_path.read_text())
        missing = {"image", "resolution", "origin"} - set(meta)
        if missing:
            raise ValueError(f"{yaml_path}: map YAML lacks {sorted(missing)}")
        x, y, yaw = (float(v) for v in meta["origin"])
        if yaw != 0:
            raise ValueError(f"{yaml_path}: rotated map origins (yaw {yaw}) are not supported")
        image = read_pgm(yaml_path.parent / meta["image"]).astype(float)
        occupancy = image / 255 if meta.get("negate", 0) else (255 - image) / 255
        free = occupancy < float(meta.get("free_thresh", 0.196))
        return cls(np.flipud(~free).copy(), float(meta["resolution"]), (x, y))

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in metres."""
        return self.solid.shape[1] * self.resolution, self.solid.shape[0] * self.resolution

    def is_solid(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """Solid at the points (x, y) in the map frame; everything off the map is solid."""
        col = np.floor((np.asarray(x) - self.origin[0]) / self.resolution).astype(int)
        row = np.floor((np.asarray(y) - self.origin[1]) / self.resolution).astype(int)
        rows, cols = self.solid.shape
        inside = (row >= 0) & (row < rows) & (col >= 0) & (col < cols)
        return np.where(inside, self.solid[row.clip(0, rows - 1), col.clip(0, cols - 1)], True)


@dataclass(frozen=True)
class DepthScanner:
    """The Kinect's depth image seen as a laser scan (depthimage_to_laserscan's view of it)."""

    fov: float = math.radians(57.0)
    beams: int = 640
    range_min: float = 0.45
    range_max: float = 8.0

    @property
    def angles(self) -> np.ndarray:
        """Beam angles from angle_min (right) to angle_max (left), as LaserScan orders them."""
        return np.linspace(-self.fov / 2, self.fov / 2, self.beams)

    @property
    def angle_increment(self) -> float:
        return self.fov / (self.beams - 1)


def compose(a: Pose2D, b: Pose2D) -> Pose2D:
    """Pose b (given in frame a) expressed in a's parent frame."""
    cos, sin = math.cos(a.yaw), math.sin(a.yaw)
    return Pose2D(a.x + cos * b.x - sin * b.y, a.y + sin * b.x + cos * b.y, a.yaw + b.yaw)


class World:
    """The robot's true pose in a map, moved by its wheels (through `slip`, if given: what the
    ground sees of the wheels' turns) and stopped by walls."""

    def __init__(
        self,
        grid: OccupancyMap,
        geometry: DriveGeometry,
        robot_radius: float,
        pose: Pose2D,
        slip: WheelSlip | None = None,
    ) -> None:
        self.grid = grid
        self.geometry = geometry
        self.pose = pose
        self.slip = slip
        step = grid.resolution / 2
        span = np.arange(-robot_radius, robot_radius + step / 2, step)
        dx, dy = np.meshgrid(span, span)
        inside = dx**2 + dy**2 <= robot_radius**2
        self._body = np.stack([dx[inside], dy[inside]])
        if self.collides(pose):
            raise ValueError(
                f"the robot (radius {robot_radius} m) does not fit at ({pose.x}, {pose.y}): "
                "choose a start pose in free space"
            )

    def collides(self, pose: Pose2D) -> bool:
        """Whether the robot's disc at `pose` overlaps anything solid."""
        return bool(self.grid.is_solid(pose.x + self._body[0], pose.y + self._body[1]).any())

    def roll(self, left: float, right: float) -> bool:
        """Turn the wheels by left/right radians; False when a wall stopped the robot. Pressed
        against a wall, the disc loses the push but still turns where it stands (its wheels
        slip), as a round base does: a turn in place, whose slip always pushes a little, must
        not stick to the wall."""
        if not (math.isfinite(left) and math.isfinite(right)):
            return False
        if self.slip is not None:
            left, right = self.slip.on_ground(left, right)
        distance, turn = self.geometry.body_twist(left, right)
        steps = max(1, math.ceil(abs(distance) / (self.grid.resolution / 4)))
        pose = self.pose
        for done in range(steps):
            candidate = integrate_arc(pose, distance / steps, turn / steps)
            if self.collides(candidate):
                self.pose = integrate_arc(pose, 0.0, turn * (steps - done) / steps)
                return False
            pose = candidate
        self.pose = pose
        return True

    def scan(self, sensor: Pose2D, scanner: DepthScanner) -> np.ndarray:
        """Ranges seen from a sensor pose in the map frame; NaN where the Kinect sees nothing."""
        ranges = cast(self.grid, sensor.x, sensor.y, sensor.yaw + scanner.angles, scanner.range_max)
        too_close_or_far = (ranges < scanner.range_min) | (ranges > scanner.range_max)
        return np.where(too_close_or_far, np.nan, ranges)


def cast(
    grid: OccupancyMap, x: float, y: float, headings: np.ndarray, max_distance: float
) -> np.ndarray:
    """Distance from (x, y) along each heading to the first solid cell (sampled every half cell;
    the edge is taken midway between the last free and the first solid sample); inf where
    nothing is hit within max_distance."""
    step = grid.resolution / 2
    distances = np.arange(step, max_distance + step, step)
    xs = x + np.cos(headings)[:, None] * distances[None, :]
    ys = y + np.sin(headings)[:, None] * distances[None, :]
    hits = grid.is_solid(xs, ys)
    return np.where(hits.any(axis=1), distances[hits.argmax(axis=1)] - step / 2, np.inf)
