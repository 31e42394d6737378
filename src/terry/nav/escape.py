"""Backing a trapped base out (ROS-free): where a straight move takes a base that stands nearer
than its planning clearance to the map's walls, so that the planner can plan from there again.

move_base cannot do it: its planner finds no plan from inside the costmap's padded disc, DWA never
drives backwards, and the rotate recovery refuses where it counts the base as in collision. The
base is a disc, so it may turn in place; this chooses the heading to drive along, judged on the
map's occupied cells: every point of the move keeps at least the clearance the base has now, and
the end is the furthest from walls of `headings` evenly spaced candidates.

The map lacks what the Kinect has not mapped yet, such as a face of furniture seen only from
inside its 0.45 m blind spot; move_base's local costmap has it. `with_obstacles` adds the
costmap's lethal cells to the map before judging.
"""

from __future__ import annotations

import math

import numpy as np

from terry.nav.frontier import Grid

LETHAL = 100  # an obstacle's own cell in a costmap_2d costmap published as an OccupancyGrid


def wall_distance(grid: Grid, x: float, y: float, reach: float) -> float:
    """Metres from (x, y) to the nearest occupied cell's edge within `reach` (reach if none)."""
    res = grid.resolution
    col0, row0 = (x - grid.origin[0]) / res, (y - grid.origin[1]) / res
    span = math.ceil(reach / res) + 1
    rows, cols = grid.cells.shape
    r_lo, r_hi = max(0, math.floor(row0) - span), min(rows, math.floor(row0) + span + 1)
    c_lo, c_hi = max(0, math.floor(col0) - span), min(cols, math.floor(col0) + span + 1)
    occupied = np.argwhere(grid.occupied[r_lo:r_hi, c_lo:c_hi])
    if occupied.size == 0:
        return reach
    # distance to each cell's square: per axis, how far the point lies outside the cell
    dr = np.maximum(np.abs(occupied[:, 0] + r_lo + 0.5 - row0) - 0.5, 0.0)
    dc = np.maximum(np.abs(occupied[:, 1] + c_lo + 0.5 - col0) - 0.5, 0.0)
    return min(reach, float(np.sqrt(dr * dr + dc * dc).min()) * res)


def with_obstacles(grid: Grid, costmap: Grid, pose: tuple[float, float, float]) -> Grid:
    """`grid` with every cell occupied that holds the centre of one of `costmap`'s lethal cells;
    `pose` (x, y, yaw) is the costmap's frame in the grid's. Cells off the grid are left out."""
    rows, cols = np.nonzero(costmap.cells == LETHAL)
    if rows.size == 0:
        return grid
    px, py = costmap.centre(rows, cols)
    x, y, yaw = pose
    c, s = math.cos(yaw), math.sin(yaw)
    gx, gy = x + c * px - s * py, y + s * px + c * py
    col = np.floor((gx - grid.origin[0]) / grid.resolution).astype(int)
    row = np.floor((gy - grid.origin[1]) / grid.resolution).astype(int)
    height, width = grid.cells.shape
    inside = (row >= 0) & (row < height) & (col >= 0) & (col < width)
    cells = grid.cells.copy()
    cells[row[inside], col[inside]] = LETHAL
    return Grid(cells, grid.resolution, grid.origin)


def check(clearance: float, step: float) -> None:
    """ValueError naming a clearance or step that is not a positive number of metres."""
    for name, value in (("clearance", clearance), ("step", step)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError(f"escape {name} must be a positive number of metres, got {value}")


def escape_heading(
    grid: Grid,
    robot: tuple[float, float],
    clearance: float,
    step: float = 0.15,
    headings: int = 16,
) -> float | None:
    """The heading (rad, grid frame) of a straight move of `step` m that best clears a base whose
    centre is nearer than `clearance` to a wall; None when it is clear already or no move gains
    2 cm without passing nearer anything on the way."""
    check(clearance, step)
    if headings < 4:
        raise ValueError(f"escape needs at least 4 headings to try, got {headings}")
    reach = clearance + step
    now = wall_distance(grid, *robot, reach)
    if now >= clearance:
        return None
    samples = max(2, math.ceil(step / (grid.resolution / 2)))
    best, best_end = None, now + 0.02
    for k in range(headings):
        heading = -math.pi + 2 * math.pi * k / headings
        ux, uy = math.cos(heading), math.sin(heading)
        along = [
            wall_distance(grid, robot[0] + ux * s, robot[1] + uy * s, reach)
            for s in np.linspace(step / samples, step, samples)
        ]
        if min(along) < now - 1e-9 or along[-1] <= best_end:
            continue
        best, best_end = heading, along[-1]
    return best
