"""Frontiers on an occupancy grid (ROS-free): where known free space meets unknown space, and
which of them the robot can reach, nearest first along free space.

The grid is nav_msgs/OccupancyGrid's data as numpy (row 0 at the origin's y; -1 unknown, 0..100
occupied percent). A cell is free below `FREE_BELOW`, occupied from `OCCUPIED_FROM`. The robot, a
disc, may stand on free cells no closer than its radius to an occupied one; it reaches what a
breadth-first search over such cells (8-connected) finds from its own cell. A frontier is a
connected group of reachable cells beside unknown ones, at least `min_size` cells long; its goal is
its member nearest to the robot along the search, or, with a `standoff`, the reachable cell nearest
the robot that lies that far from the frontier's cell nearest the robot and sees it (a free line of
sight): a Kinect sees nothing nearer than 0.45 m, so a base driven onto a frontier at an unseen
face of furniture could not see the face, and mapping runs drove into the kitchen table and the
bathroom cabinet that way. Of such cells, one at least `goal_clearance` from walls is preferred:
the obstacle guard (terry.base.guard) stops the base about 0.46 m before what it drives at, so a
goal nearer a wall than that, approached head-on, is never reached (DWA "oscillating"). Where no
cell lies that far (a dead end), the goal is the frontier's own cell. Unknown space in an enclosed
pocket smaller than `min_pocket` (an 8-connected group of unknown cells off the grid's border) is
the inside of furniture whose outline the map has not closed, not a place to explore: the mapping
runs sent the base into the kitchen table that way.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

FREE_BELOW = 25
OCCUPIED_FROM = 65
NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


@dataclass(frozen=True)
class Grid:
    """An occupancy grid: `cells` (rows, cols) int, metres per cell, the origin cell's corner."""

    cells: np.ndarray
    resolution: float
    origin: tuple[float, float]

    def __post_init__(self) -> None:
        cells = np.asarray(self.cells)
        if cells.ndim != 2 or cells.size == 0:
            raise ValueError(f"a grid needs rows and columns, got shape {cells.shape}")
        if not (math.isfinite(self.resolution) and 1e-4 <= self.resolution <= 100):
            raise ValueError(f"grid resolution must be 1e-4 .. 100 m, got {self.resolution}")
        if not all(math.isfinite(v) and abs(v) < 1e6 for v in self.origin):
            raise ValueError(f"grid origin must be finite, got {self.origin}")
        object.__setattr__(self, "cells", cells.astype(np.int16))

    @classmethod
    def from_flat(
        cls, data, width: int, height: int, resolution: float, origin: tuple[float, float]
    ) -> Grid:
        """From OccupancyGrid's row-major data, width, height, resolution, origin x, y."""
        flat = np.asarray(data, dtype=np.int16)
        if width <= 0 or height <= 0 or flat.size != width * height:
            raise ValueError(f"grid data has {flat.size} cells, not {width} x {height}")
        return cls(flat.reshape(height, width), resolution, origin)

    @property
    def unknown(self) -> np.ndarray:
        return self.cells < 0

    @property
    def free(self) -> np.ndarray:
        return (self.cells >= 0) & (self.cells < FREE_BELOW)

    @property
    def occupied(self) -> np.ndarray:
        return self.cells >= OCCUPIED_FROM

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, col) of the point, None off the grid."""
        row = math.floor((y - self.origin[1]) / self.resolution)
        col = math.floor((x - self.origin[0]) / self.resolution)
        rows, cols = self.cells.shape
        return (row, col) if 0 <= row < rows and 0 <= col < cols else None

    def centre(self, row: int, col: int) -> tuple[float, float]:
        return (
            self.origin[0] + (col + 0.5) * self.resolution,
            self.origin[1] + (row + 0.5) * self.resolution,
        )


@dataclass(frozen=True)
class Frontier:
    x: float  # the goal (m, grid frame): where to drive to see the frontier
    y: float
    distance: float  # m along free space from the robot to the goal (8-connected steps)
    size: int  # cells along the frontier
    fx: float  # the frontier's cell nearest the robot (m, grid frame): what is to be seen
    fy: float


def grow(mask: np.ndarray, radius_cells: float) -> np.ndarray:
    """Every cell within `radius_cells` of a cell in `mask`."""
    reach = math.floor(radius_cells)
    grown = mask.copy()
    rows, cols = mask.shape
    for dr in range(-reach, reach + 1):
        for dc in range(-reach, reach + 1):
            inside = abs(dr) < rows and abs(dc) < cols  # farther shifts leave the grid
            if inside and (dr or dc) and dr * dr + dc * dc <= radius_cells * radius_cells:
                src = mask[max(0, -dr) : rows - max(0, dr), max(0, -dc) : cols - max(0, dc)]
                grown[max(0, dr) : rows - max(0, -dr), max(0, dc) : cols - max(0, -dc)] |= src
    return grown


def _padded(mask: np.ndarray) -> tuple[list[bool], int, list[int]]:
    """The mask with a false border as a flat list (fast to index), its row stride and the flat
    offsets of the 8 neighbours."""
    cols = mask.shape[1] + 2
    flat = np.pad(mask, 1).ravel().tolist()
    return flat, cols, [dr * cols + dc for dr, dc in NEIGHBOURS]


def _unpad(flat: list, shape: tuple[int, int]) -> np.ndarray:
    return np.asarray(flat).reshape(shape[0] + 2, shape[1] + 2)[1:-1, 1:-1]


def _search(passable: np.ndarray, start: tuple[int, int]) -> np.ndarray:
    """Steps from `start` to every passable cell (8-connected); -1 where not reached."""
    open_, stride, offsets = _padded(passable)
    steps = [-1] * len(open_)
    first = (start[0] + 1) * stride + start[1] + 1
    steps[first] = 0
    queue = deque([first])
    while queue:
        here = queue.popleft()
        step = steps[here] + 1
        for offset in offsets:
            there = here + offset
            if open_[there] and steps[there] < 0:
                steps[there] = step
                queue.append(there)
    return _unpad(steps, passable.shape)


def _beside(mask: np.ndarray) -> np.ndarray:
    """Cells with a neighbour (8-connected) in `mask`."""
    return grow(mask, 1.5) & ~mask


def groups(cells: np.ndarray) -> list[list[tuple[int, int]]]:
    """The 8-connected groups of the true cells, as (row, col) lists."""
    todo, stride, offsets = _padded(cells)
    found = []
    for row, col in zip(*np.nonzero(cells), strict=True):
        first = (int(row) + 1) * stride + int(col) + 1
        if not todo[first]:
            continue
        todo[first] = False
        group, queue = [], deque([first])
        while queue:
            here = queue.popleft()
            group.append((here // stride - 1, here % stride - 1))
            for offset in offsets:
                if todo[here + offset]:
                    todo[here + offset] = False
                    queue.append(here + offset)
        found.append(group)
    return found


def open_unknown(grid: Grid, min_pocket: float) -> np.ndarray:
    """The unknown cells, less those in enclosed pockets under `min_pocket` m^2. Only the known
    cells' bounding box and a ring around it are searched: unknown space outside it is open."""
    unknown = grid.unknown.copy()
    rows, cols = np.nonzero(~unknown)
    if rows.size == 0:
        return unknown
    r0, c0 = max(0, rows.min() - 1), max(0, cols.min() - 1)
    r1, c1 = min(unknown.shape[0], rows.max() + 2), min(unknown.shape[1], cols.max() + 2)
    box = unknown[r0:r1, c0:c1]  # a view: clearing a pocket in it clears it in `unknown`
    limit = min_pocket / grid.resolution**2
    last_row, last_col = box.shape[0] - 1, box.shape[1] - 1
    for group in groups(box):
        if len(group) < limit and all(0 < r < last_row and 0 < c < last_col for r, c in group):
            for cell in group:
                box[cell] = False
    return unknown


def find_frontiers(
    grid: Grid,
    robot: tuple[float, float],
    robot_radius: float,
    min_size: int = 5,
    avoid: Iterable[tuple[float, float]] = (),
    avoid_radius: float = 0.5,
    min_distance: float = 0.0,
    min_pocket: float = 0.0,
    standoff: float = 0.0,
    goal_clearance: float = 0.0,
) -> list[Frontier]:
    """The frontiers the robot at `robot` can reach, nearest first (by their goals). A frontier
    is left out when none of its cells is farther than `avoid_radius` from every point in
    `avoid` (frontiers tried before) and at least `min_distance` from the robot, and when it
    lies beside enclosed unknown pockets under `min_pocket` m^2 alone. Its goal is a reachable
    cell `standoff` m from it (see the module's doc), at least `min_distance` from the robot,
    and `goal_clearance` from walls where there is one."""
    values = (
        *robot,
        robot_radius,
        avoid_radius,
        min_distance,
        min_pocket,
        standoff,
        goal_clearance,
    )
    if not all(math.isfinite(v) for v in values) or min(values[2:]) < 0 or min_size < 1:
        raise ValueError(f"robot pose, radii, distances and min_size must be sane, got {values}")
    start = grid.cell_of(*robot)
    if start is None:
        raise ValueError(f"the robot at {robot} is off the map")
    standable = grid.free & ~grow(grid.occupied, robot_radius / grid.resolution)
    # the robot may always leave the spot it stands on, even if the map crowds it
    near = np.zeros(grid.cells.shape, dtype=bool)
    near[start] = True
    passable = standable | (grow(near, robot_radius / grid.resolution + 2) & grid.free)
    passable[start] = True
    steps = _search(passable, start)
    far_enough = (steps >= 0) & (steps * grid.resolution >= min_distance)
    roomy = (  # where a standoff goal may stand clear of walls
        far_enough & ~grow(grid.occupied, goal_clearance / grid.resolution)
        if standoff > 0
        else far_enough
    )
    allowed = far_enough.copy()
    avoid = list(avoid)
    if avoid:
        cx, cy = grid.centre(*np.indices(grid.cells.shape))
        for x, y in avoid:
            allowed &= (cx - x) ** 2 + (cy - y) ** 2 > avoid_radius**2
    unknown = open_unknown(grid, min_pocket) if min_pocket > 0 else grid.unknown
    edge = (steps >= 0) & _beside(unknown)
    found = []
    for group in groups(edge):
        if len(group) < min_size:
            continue
        candidates = [cell for cell in group if allowed[cell]]
        if not candidates:
            continue
        best = min(candidates, key=lambda cell: steps[cell])
        goal = best
        if standoff > 0:
            ring = standoff / grid.resolution
            view = _viewpoint(best, grid.free, steps, roomy, ring)
            goal = view or _viewpoint(best, grid.free, steps, far_enough, ring) or best
        found.append(
            Frontier(
                *grid.centre(*goal),
                float(steps[goal] * grid.resolution),
                len(group),
                *grid.centre(*best),
            )
        )
    return sorted(found, key=lambda f: f.distance)


def _viewpoint(
    target: tuple[int, int],
    free: np.ndarray,
    steps: np.ndarray,
    allowed: np.ndarray,
    standoff: float,
) -> tuple[int, int] | None:
    """The allowed cell nearest the robot (fewest `steps`) `standoff` cells (to a cell and a half
    further) from `target` with a free line of sight to it; None if there is none."""
    reach = math.ceil(standoff + 1.5)
    r0, c0 = max(0, target[0] - reach), max(0, target[1] - reach)
    r1 = min(steps.shape[0], target[0] + reach + 1)
    c1 = min(steps.shape[1], target[1] + reach + 1)
    rows, cols = np.mgrid[r0:r1, c0:c1]
    away = np.hypot(rows - target[0], cols - target[1])
    ring = (away >= standoff) & (away <= standoff + 1.5) & allowed[r0:r1, c0:c1]
    for r, c in sorted(
        zip(*np.nonzero(ring), strict=True), key=lambda rc: steps[r0 + rc[0], c0 + rc[1]]
    ):
        cell = (int(r) + r0, int(c) + c0)
        if _sees(free, cell, target):
            return cell
    return None


def _sees(free: np.ndarray, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether the straight line from cell `a` to cell `b` crosses free cells only."""
    samples = 2 * max(abs(b[0] - a[0]), abs(b[1] - a[1])) + 1
    rows = np.rint(np.linspace(a[0], b[0], samples)).astype(int)
    cols = np.rint(np.linspace(a[1], b[1], samples)).astype(int)
    return bool(free[rows, cols].all())
