"""Frontier exploration's decisions (ROS-free): which frontier to drive to next, when a goal is
done with, and when exploring ends (no reachable frontier left, the time limit, or move_base
failing `stuck_after` goals in a row: the base is stuck, and the frontiers it would try next
would be given up on one after the other, leaving the map open but saying it is closed). A
frontier the planner has no plan to, asked from a base standing clear, is out of reach and
given up on, but says nothing about the base being stuck.

A frontier counts as reachable only through cells as clear of walls as move_base's planner
keeps the base (`clearance`): through a narrower gap, which the robot's disc would pass, the
planner has no plan, and the mapping runs spent minutes on frontiers behind the bathroom's
0.5 m gap by its cabinet.

A goal stands `standoff` m back from its frontier, where the Kinect sees it, and `goal_clearance` m
from walls where it can (terry.nav.frontier).
Frontiers whose goals were reached or failed are remembered and none within `avoid_radius` of them
is chosen again: a frontier the Kinect cannot close from there (its blind spot, a gap too narrow to
see through) would otherwise be chosen for ever. The node (terry.nodes.explore) sends the goals to
move_base and saves the map at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from terry.nav.frontier import Frontier, Grid, find_frontiers


@dataclass
class Explorer:
    robot_radius: float
    # m from walls the planner keeps the base's centre (move_base's global costmap robot_radius
    # + footprint_padding); frontiers are reached through cells this clear. None: robot_radius
    clearance: float | None = None
    time_limit: float = 900.0  # s
    min_size: int = 5  # cells along a frontier
    min_pocket: float = 1.0  # m^2: enclosed unknown space smaller than this is not explored
    avoid_radius: float = 0.5  # m around frontiers already reached or failed
    min_distance: float = 0.5  # m: nearer frontiers are what the robot is standing at
    standoff: float = 0.7  # m from a frontier to its goal: past the Kinect's 0.45 m blind spot
    goal_clearance: float = 0.55  # m from walls to a goal, where it can: past the guard's stop
    open_radius: float = 0.3  # m: a goal is worth driving to while unknown cells are this near
    settle: float = 15.0  # s with no frontier before the map counts as closed (the radar sweeps)
    stuck_after: int = 5  # goals failed in a row that end exploring
    started: float | None = None
    finished: str | None = None  # why exploring ended
    tried: list[tuple[float, float]] = field(default_factory=list)
    reached: int = 0
    failed_in_row: int = 0
    given_up: list[Frontier] = field(default_factory=list)  # goals move_base failed to reach
    frontiers_left: int = 0
    _none_since: float | None = None

    def __post_init__(self) -> None:
        if self.clearance is None:
            self.clearance = self.robot_radius
        numbers = (
            self.robot_radius,
            self.clearance,
            self.time_limit,
            self.avoid_radius,
            self.min_distance,
            self.open_radius,
            self.settle,
            self.min_pocket,
            self.standoff,
            self.goal_clearance,
        )
        if not all(math.isfinite(v) and v >= 0 for v in numbers) or self.time_limit <= 0:
            raise ValueError(f"radii, distances and a time limit > 0 must be given, got {numbers}")
        if self.stuck_after < 1:
            raise ValueError(f"stuck_after must be at least 1 goal, got {self.stuck_after}")

    def start(self, now: float) -> None:
        self.started, self.finished, self._none_since = now, None, None
        self.tried.clear()
        self.given_up.clear()
        self.reached = self.failed_in_row = 0

    def next_goal(self, grid: Grid, robot: tuple[float, float], now: float) -> Frontier | None:
        """The nearest reachable frontier not tried yet. None: ask again later, or, when
        `finished` says why, exploring is over. The map counts as closed only when the map has
        free space under the robot and no frontier has shown up for `settle` s."""
        if self.started is None:
            raise RuntimeError("start() exploring before asking for goals")
        if now - self.started >= self.time_limit:
            self.finished = f"time limit of {self.time_limit:.0f} s reached"
            return None
        if self.failed_in_row >= self.stuck_after:
            self.finished = (
                f"move_base failed the last {self.failed_in_row} goals in a row: the base is "
                f"stuck at ({robot[0]:.2f}, {robot[1]:.2f})"
            )
            return None
        cell = grid.cell_of(*robot)
        reach = math.ceil(self.robot_radius / grid.resolution)
        if (
            cell is None
            or not grid.free[
                max(0, cell[0] - reach) : cell[0] + reach + 1,
                max(0, cell[1] - reach) : cell[1] + reach + 1,
            ].any()
        ):
            return None  # the map has not seen where the robot stands yet
        found = find_frontiers(
            grid,
            robot,
            self.clearance,
            self.min_size,
            self.tried,
            self.avoid_radius,
            self.min_distance,
            self.min_pocket,
            self.standoff,
            self.goal_clearance,
        )
        self.frontiers_left = len(found)
        if not found:
            if self._none_since is None:
                self._none_since = now
            if now - self._none_since >= self.settle:
                self.finished = self._closed_or_not(grid)
            return None
        self._none_since = None
        return found[0]

    def still_open(self, grid: Grid, goal: Frontier) -> bool:
        """Whether unknown cells remain near the frontier (False: seen already, go elsewhere)."""
        reach = math.ceil(self.open_radius / grid.resolution)
        cell = grid.cell_of(goal.fx, goal.fy)
        if cell is None:
            return True
        r, c = cell
        window = grid.unknown[max(0, r - reach) : r + reach + 1, max(0, c - reach) : c + reach + 1]
        return bool(np.any(window))

    def _closed_or_not(self, grid: Grid) -> str:
        """Why no frontier is left: the map is closed, or move_base gave up on some still open."""
        still_open = [g for g in self.given_up if self.still_open(grid, g)]
        if not still_open:
            return "no reachable frontier left: the map is closed"
        where = ", ".join(f"({g.fx:.2f}, {g.fy:.2f})" for g in still_open[:3])
        return (
            f"no frontier left that move_base could reach: {len(still_open)} it gave up on are "
            f"still open, at {where}{' ...' if len(still_open) > 3 else ''}"
        )

    def done_with(self, goal: Frontier, reached: bool, refused: bool = False) -> None:
        """The goal was reached (or seen before getting there), or move_base failed to get there.
        `refused`: move_base's planner had no plan to it from a base that stands clear, so the
        frontier is out of reach, and the base is not stuck: it is given up on without counting
        towards `stuck_after` (a mapping run ended "stuck" after five far frontiers in a row had
        no plan, the base in the open)."""
        self.tried.append((goal.fx, goal.fy))
        if reached:
            self.reached += 1
            self.failed_in_row = 0
            return
        if not refused:
            self.failed_in_row += 1
        self.given_up.append(goal)

    @property
    def failed(self) -> int:
        """How many goals move_base failed to reach."""
        return len(self.given_up)

    def out_of_time(self, now: float) -> bool:
        return self.started is not None and now - self.started >= self.time_limit
