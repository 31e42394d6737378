"""terry.nav.escape: a base nearer than its planning clearance to the map's walls gets the heading
of a short straight move that clears it best, never passing nearer anything on the way; a base in
the clear, or in a gap no move improves, gets None; bad arguments are refused. An obstacle the map
lacks but move_base's local costmap has (its lethal cells, placed by the costmap's pose) counts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from terry.nav.escape import escape_heading, wall_distance, with_obstacles
from terry.nav.frontier import Grid

RES = 0.05


def room(walls: list[tuple[slice, slice]]) -> Grid:
    """A 4 x 4 m free grid, origin (0, 0), with occupied blocks at the given (rows, cols)."""
    cells = np.zeros((80, 80), dtype=np.int16)
    for rows, cols in walls:
        cells[rows, cols] = 100
    return Grid(cells, RES, (0.0, 0.0))


WEST_WALL = (slice(0, 80), slice(0, 2))  # x in [0, 0.1]
SOUTH_WALL = (slice(0, 2), slice(0, 80))  # y in [0, 0.1]


def test_wall_distance_is_to_the_nearest_occupied_cells_edge():
    grid = room([WEST_WALL])
    assert wall_distance(grid, 0.3, 2.0, 1.0) == pytest.approx(0.2)
    assert wall_distance(grid, 0.05, 2.0, 1.0) == 0.0  # inside the wall
    assert wall_distance(grid, 3.0, 2.0, 1.0) == 1.0  # nothing within reach


def test_a_base_near_one_wall_moves_straight_away_from_it():
    heading = escape_heading(room([WEST_WALL]), (0.3, 2.0), clearance=0.3)
    assert heading is not None and abs(heading) < 0.4  # +x, away from the wall at x = 0.1


def test_a_base_in_a_corner_moves_out_diagonally():
    heading = escape_heading(room([WEST_WALL, SOUTH_WALL]), (0.28, 0.28), clearance=0.3)
    assert heading is not None and math.radians(20) < heading < math.radians(70)


def test_a_base_in_the_clear_stays():
    assert escape_heading(room([WEST_WALL]), (1.0, 2.0), clearance=0.3) is None


def test_a_base_in_a_gap_no_move_widens_gets_none():
    # walls at x <= 0.1 and x >= 0.5: the middle, 0.2 m from each, is already the best place
    # along x, and moving along the gap gains nothing
    gap = room([WEST_WALL, (slice(0, 80), slice(10, 80))])
    assert escape_heading(gap, (0.3, 2.0), clearance=0.3) is None


def test_the_move_never_passes_nearer_a_wall_than_the_base_is():
    # a pillar straight ahead of the way out from the wall (x 0.65-0.75, y 1.95-2.05): straight
    # out would end no further from anything, so the move goes out at a slant
    grid = room([WEST_WALL, (slice(39, 41), slice(13, 15))])
    heading = escape_heading(grid, (0.3, 2.0), clearance=0.3)
    assert heading is not None and math.radians(20) < abs(heading) < math.radians(80)
    now = wall_distance(grid, 0.3, 2.0, 1.0)
    for s in np.linspace(0.01, 0.15, 15):
        x, y = 0.3 + s * math.cos(heading), 2.0 + s * math.sin(heading)
        assert wall_distance(grid, x, y, 1.0) >= now - 1e-9


@pytest.mark.parametrize(
    "kwargs",
    [
        {"clearance": math.nan},
        {"clearance": -0.3},
        {"step": 0.0},
        {"step": math.inf},
        {"headings": 2},
    ],
)
def test_bad_arguments_are_refused(kwargs):
    args = {"clearance": 0.3} | kwargs
    with pytest.raises(ValueError):
        escape_heading(room([WEST_WALL]), (0.3, 2.0), **args)


def costmap_with_lethal(cells: list[tuple[int, int]], value: int = 100) -> Grid:
    """A 1 x 1 m costmap (0.05 m cells), origin (0, 0) in its frame, with the given (row, col)."""
    costmap = np.zeros((20, 20), dtype=np.int16)
    for row, col in cells:
        costmap[row, col] = value
    return Grid(costmap, RES, (0.0, 0.0))


def test_a_costmaps_lethal_cells_land_where_its_pose_puts_them():
    costmap = costmap_with_lethal([(0, 2)])  # centre (0.125, 0.025) in the costmap's frame
    merged = with_obstacles(room([]), costmap, (2.0, 1.0, math.pi / 2))  # turned a quarter
    # (0.125, 0.025) turned by 90 degrees is (-0.025, 0.125), so (1.975, 1.125) on the grid
    assert np.argwhere(merged.occupied).tolist() == [[22, 39]]


def test_inflated_cells_and_cells_off_the_grid_are_left_out():
    inflated = costmap_with_lethal([(5, 5)], value=99)
    assert not with_obstacles(room([]), inflated, (1.0, 1.0, 0.0)).occupied.any()
    off = costmap_with_lethal([(0, 0)])
    assert not with_obstacles(room([]), off, (-1.0, -1.0, 0.0)).occupied.any()


def test_an_obstacle_only_the_costmap_has_traps_the_base_and_it_backs_away_from_it():
    grid = room([])
    assert escape_heading(grid, (2.0, 2.0), 0.3) is None  # the map alone: in the clear
    # a face 0.2 m ahead (east) of the base: costmap cells in column 4, its frame at the base
    face = costmap_with_lethal([(row, 4) for row in range(20)])
    merged = with_obstacles(grid, face, (2.0, 1.5, 0.0))
    assert wall_distance(merged, 2.0, 2.0, 0.3) == pytest.approx(0.2)
    heading = escape_heading(merged, (2.0, 2.0), 0.3)
    assert heading is not None and math.cos(heading) < -0.9  # straight back, west
