"""Frontier exploration (terry.nav): frontiers are where reachable free space meets unknown,
nearest first along free space (not as the crow flies), never through a gap the robot cannot
pass; goals already tried are not chosen again; and exploring the simulated apartment with a
sensor that sees all around ends with the map closed and the whole floor known.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from terry.model import footprint_radius, load_robot
from terry.nav.escape import wall_distance
from terry.nav.explore import Explorer
from terry.nav.frontier import Grid, find_frontiers
from terry.paths import package_file
from terry.sim.world import OccupancyMap, cast

RADIUS = footprint_radius(load_robot())
# how clear of walls move_base's planner keeps the base's centre (config/nav)
PLANNER_CLEARANCE = (
    yaml.safe_load(package_file("config", "nav", "costmap_common.yaml").read_text())["robot_radius"]
    + yaml.safe_load(package_file("config", "nav", "global_costmap.yaml").read_text())[
        "global_costmap"
    ]["footprint_padding"]
)
UNKNOWN, FREE, WALL = -1, 0, 100


def grid(cells: np.ndarray) -> Grid:
    return Grid(cells, 0.05, (0.0, 0.0))


def room(rows: int = 60, cols: int = 100) -> np.ndarray:
    """A known room walled all round (rows 0 and -1, cols 0 and -1) inside unknown space."""
    cells = np.full((rows + 20, cols + 20), UNKNOWN)
    cells[10 : 10 + rows, 10 : 10 + cols] = WALL
    cells[11 : 9 + rows, 11 : 9 + cols] = FREE
    return cells


def test_a_closed_room_has_no_frontier_and_an_open_door_is_one():
    cells = room()
    assert find_frontiers(grid(cells), (1.0, 1.0), RADIUS) == []
    cells[30:42, 109] = FREE  # a 0.6 m door in the east wall, unknown beyond
    found = find_frontiers(grid(cells), (1.0, 1.0), RADIUS)
    assert len(found) == 1
    door = found[0]
    assert 5.3 < door.x < 5.5 and 1.5 < door.y < 2.1, "the goal is at the door"
    assert door.distance == pytest.approx(math.hypot(door.x - 1.0, door.y - 1.0), rel=0.3)


def test_a_door_narrower_than_the_robot_is_no_frontier():
    cells = room()
    cells[30:37, 109] = FREE  # 0.35 m: the robot (0.44 m across) does not fit
    assert find_frontiers(grid(cells), (1.0, 1.0), RADIUS) == []


def test_frontiers_come_nearest_first_along_free_space_not_as_the_crow_flies():
    cells = room()
    cells[11:50, 60] = WALL  # a wall from the south almost to the north side
    cells[40:52, 109] = FREE  # a door just beyond that wall, 2.5 m from the robot as the crow flies
    cells[69, 11:25] = FREE  # a door in the north wall, further in a straight line
    found = find_frontiers(grid(cells), (2.5, 1.5), RADIUS)
    assert len(found) == 2
    assert found[0].y > 3.0, "the north door is nearer along the floor"
    assert found[0].distance < found[1].distance


def test_specks_of_unknown_smaller_than_a_frontier_are_ignored():
    cells = room()
    cells[30:32, 40:42] = UNKNOWN  # a 2 x 2 cell speck between two rays
    assert find_frontiers(grid(cells), (1.0, 1.0), RADIUS, min_size=15) == []


def test_the_inside_of_a_table_whose_outline_has_a_hole_is_no_frontier():
    """The map has the table's outline but for a hole the base fits through, and the rays that
    passed the hole made free cells inside: the unknown rest of the table's inside is a pocket of
    0.36 m^2, while a door opens onto unknown space beyond the room."""
    cells = room()
    cells[30:46, 50:70] = WALL  # a 0.8 x 1.0 m table
    cells[31:45, 51:69] = UNKNOWN
    cells[30, 55:65] = FREE  # the hole in its south side
    cells[31:35, 55:65] = FREE  # what the rays through the hole saw
    cells[50:62, 109] = FREE  # a 0.6 m door in the east wall
    robot = (3.0, 1.0)  # south of the table
    near = find_frontiers(grid(cells), robot, RADIUS)
    assert any(f.y > 1.5 and 2.5 < f.x < 3.5 for f in near), "without the pocket rule, the table"
    found = find_frontiers(grid(cells), robot, RADIUS, min_pocket=1.0)
    assert [(round(f.x), round(f.y)) for f in found] == [(5, 3)], "only the door"
    with pytest.raises(ValueError, match="sane"):
        find_frontiers(grid(cells), robot, RADIUS, min_pocket=-1.0)


def test_a_goal_that_was_tried_is_not_chosen_again():
    cells = room()
    cells[30:42, 109] = FREE
    cells[69, 11:25] = FREE
    first = find_frontiers(grid(cells), (1.0, 1.0), RADIUS)[0]
    others = find_frontiers(grid(cells), (1.0, 1.0), RADIUS, avoid=[(first.x, first.y)])
    assert len(others) == 1 and math.dist((others[0].x, others[0].y), (first.x, first.y)) > 1


@pytest.mark.parametrize(
    "robot, radius", [((math.nan, 1.0), RADIUS), ((50.0, 1.0), RADIUS), ((1.0, 1.0), -0.1)]
)
def test_a_robot_off_the_map_or_nonsense_numbers_are_refused(robot, radius):
    with pytest.raises(ValueError):
        find_frontiers(grid(room()), robot, radius)


@pytest.mark.parametrize(
    "data, width, height, resolution",
    [([0] * 5, 2, 3, 0.05), ([0] * 6, 2, 3, math.nan), ([0] * 6, 2, 3, 0.0), ([], 0, 0, 0.05)],
)
def test_malformed_grids_are_refused(data, width, height, resolution):
    with pytest.raises(ValueError):
        Grid.from_flat(data, width, height, resolution, (0.0, 0.0))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_every_goal_is_a_reachable_free_cell_beside_unknown_space(seed):
    rng = np.random.default_rng(seed)
    cells = room(40, 40)
    cells[11:49, 11:49] = rng.choice([FREE, FREE, FREE, WALL, UNKNOWN], size=(38, 38))
    cells[18:23, 18:23] = FREE  # the robot stands at (1.0, 1.0)
    g = grid(cells)
    for frontier in find_frontiers(g, (1.0, 1.0), RADIUS, min_size=1, min_distance=0.1):
        r, c = g.cell_of(frontier.x, frontier.y)
        assert cells[r, c] == FREE
        assert (cells[r - 1 : r + 2, c - 1 : c + 2] == UNKNOWN).any()
        assert frontier.distance >= 0.1


def test_explorer_stops_at_its_time_limit_and_says_so():
    explorer = Explorer(RADIUS, time_limit=60.0)
    cells = room()
    cells[30:42, 109] = FREE
    explorer.start(100.0)
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 120.0) is not None
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 160.0) is None
    assert "time limit" in explorer.finished


def test_the_map_is_closed_only_once_the_robot_is_on_it_and_no_frontier_shows_up_for_a_while():
    explorer = Explorer(RADIUS, settle=15.0)
    explorer.start(0.0)
    unseen = grid(np.full((80, 120), UNKNOWN))  # gmapping's first map: nothing seen yet
    assert explorer.next_goal(unseen, (1.0, 1.0), 1.0) is None and explorer.finished is None
    closed = grid(room())
    assert explorer.next_goal(closed, (1.0, 1.0), 2.0) is None and explorer.finished is None
    opened = room()
    opened[30:42, 109] = FREE  # the sweep saw a door after all
    assert explorer.next_goal(grid(opened), (1.0, 1.0), 10.0) is not None
    assert explorer.next_goal(closed, (1.0, 1.0), 20.0) is None and explorer.finished is None
    assert explorer.next_goal(closed, (1.0, 1.0), 36.0) is None
    assert "closed" in explorer.finished


def test_goals_failed_in_a_row_end_exploring_where_the_base_is_stuck():
    explorer = Explorer(RADIUS, stuck_after=3)
    cells = room()
    for start in (12, 30, 50):  # six doors, unknown beyond each
        cells[start : start + 12, 109] = FREE
        cells[69, start + 10 : start + 22] = FREE
    explorer.start(0.0)
    for failures in (2, 3):  # a goal reached in between starts the count again
        for _ in range(failures):
            goal = explorer.next_goal(grid(cells), (1.0, 1.0), 1.0)
            assert goal is not None and explorer.finished is None
            explorer.done_with(goal, reached=False)
        if failures == 2:
            explorer.done_with(explorer.next_goal(grid(cells), (1.0, 1.0), 1.0), reached=True)
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 2.0) is None
    assert explorer.finished == (
        "move_base failed the last 3 goals in a row: the base is stuck at (1.00, 1.00)"
    )


def test_a_frontier_move_base_gave_up_on_is_not_called_closed():
    explorer = Explorer(RADIUS, settle=5.0)
    cells = room()
    cells[30:42, 109] = FREE  # a door, unknown beyond
    explorer.start(0.0)
    door = explorer.next_goal(grid(cells), (1.0, 1.0), 1.0)
    explorer.done_with(door, reached=False)
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 2.0) is None
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 8.0) is None
    assert explorer.finished.startswith("no frontier left that move_base could reach: 1 it gave")
    assert f"({door.fx:.2f}, {door.fy:.2f})" in explorer.finished
    cells[25:47, 109:120] = WALL  # seen later from elsewhere: the door opens on an alcove
    cells[30:42, 109:112] = FREE
    explorer.start(0.0)
    explorer.done_with(door, reached=False)
    explorer.next_goal(grid(cells), (1.0, 1.0), 1.0)
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 7.0) is None
    assert explorer.finished == "no reachable frontier left: the map is closed"


def test_stuck_after_must_be_at_least_one_goal():
    with pytest.raises(ValueError, match="stuck_after"):
        Explorer(RADIUS, stuck_after=0)


@pytest.mark.parametrize("clearance", [RADIUS, PLANNER_CLEARANCE])
def test_exploring_the_apartment_closes_the_map_and_knows_the_whole_floor(clearance):
    """The robot drives to each goal (taking the goal it is given) and looks all around from
    there, 8 m far, as the radar does; unknown space ends where walls close it. Also with the
    frontiers reached only where move_base's planner goes."""
    world = OccupancyMap.load(package_file("maps", "apartment.yaml"))
    known = np.full(world.solid.shape, UNKNOWN)
    explorer = Explorer(RADIUS, clearance, time_limit=1e9, settle=0.0)
    robot = (0.0, 0.0)
    explorer.start(0.0)

    def look(x: float, y: float) -> None:
        headings = np.linspace(-math.pi, math.pi, 1440, endpoint=False)
        hit = cast(world, x, y, headings, 8.0)
        for heading, distance in zip(headings, hit, strict=True):
            along = np.arange(0, min(distance, 8.0), world.resolution / 2)
            r = ((y + along * math.sin(heading) - world.origin[1]) / world.resolution).astype(int)
            c = ((x + along * math.cos(heading) - world.origin[0]) / world.resolution).astype(int)
            known[r, c] = FREE
            if math.isfinite(distance):
                end = distance + world.resolution / 4
                known[
                    int((y + end * math.sin(heading) - world.origin[1]) / world.resolution),
                    int((x + end * math.cos(heading) - world.origin[0]) / world.resolution),
                ] = WALL

    look(*robot)
    for _ in range(60):
        goal = explorer.next_goal(Grid(known, world.resolution, world.origin), robot, 0.0)
        if goal is None:
            break
        robot = (goal.x, goal.y)
        assert not world.is_solid(goal.x, goal.y), "goals lie in the true free space"
        look(*robot)
        explorer.done_with(goal, reached=True)
    assert explorer.finished and "closed" in explorer.finished
    floor = ~world.solid
    assert (known[floor] == FREE).mean() > 0.97, "the apartment's whole floor is known"


def test_frontiers_the_planner_refused_are_given_up_without_calling_the_base_stuck():
    explorer = Explorer(RADIUS, stuck_after=2, settle=5.0)
    cells = room()
    for start in (12, 30, 50):  # six doors, unknown beyond each
        cells[start : start + 12, 109] = FREE
        cells[69, start + 10 : start + 22] = FREE
    explorer.start(0.0)
    refused = []
    while (goal := explorer.next_goal(grid(cells), (1.0, 1.0), 1.0)) is not None:
        explorer.done_with(goal, reached=False, refused=True)
        refused.append(goal)
    assert len(refused) == 6 and explorer.finished is None and explorer.failed == 6
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 7.0) is None
    assert explorer.finished.startswith("no frontier left that move_base could reach: 6 it gave")


def test_a_frontier_behind_a_gap_the_planner_keeps_clear_of_is_not_chosen():
    cells = room()
    cells[11:69, 60] = WALL  # a wall across the room, with a 0.5 m gap: the robot fits through
    cells[40:50, 60] = FREE
    cells[25:47, 109] = FREE  # a 1.1 m door beyond the gap, unknown beyond it
    assert find_frontiers(grid(cells), (1.0, 1.0), RADIUS), "the disc passes the gap"
    explorer = Explorer(RADIUS, clearance=PLANNER_CLEARANCE)
    explorer.start(0.0)
    assert explorer.next_goal(grid(cells), (1.0, 1.0), 1.0) is None
    cells[36:54, 60] = FREE  # widened to 0.9 m
    goal = explorer.next_goal(grid(cells), (1.0, 1.0), 2.0)
    assert goal is not None and goal.fx > 5.0
    with pytest.raises(ValueError, match="radii"):
        Explorer(RADIUS, clearance=math.nan)


def test_a_goal_stands_back_from_its_frontier_where_the_kinect_sees_it():
    cells = room()
    cells[25:47, 109] = FREE  # a 1.1 m door in the east wall, unknown beyond
    (door,) = find_frontiers(grid(cells), (1.0, 1.0), RADIUS)
    (view,) = find_frontiers(grid(cells), (1.0, 1.0), RADIUS, standoff=0.7)
    assert (view.fx, view.fy) == (door.x, door.y), "the same frontier"
    assert 0.7 <= math.hypot(view.x - view.fx, view.y - view.fy) <= 0.8
    assert view.x < view.fx and view.distance < door.distance


def test_a_goal_does_not_stand_behind_a_wall_from_its_frontier():
    cells = room()
    cells[25:47, 109] = FREE  # the door, unknown beyond
    cells[18:54, 100] = WALL  # a wall 0.45 m in front of the door, open at both ends
    (view,) = find_frontiers(grid(cells), (1.0, 1.0), RADIUS, standoff=0.7)
    assert 5.0 < view.x < view.fx, "between the wall and the door, where it sees the door"


def test_a_goal_keeps_clear_of_furniture_the_obstacle_guard_would_stop_the_base_before():
    cells = room()
    cells[25:47, 109] = FREE  # the door, unknown beyond
    cells[20:30, 85:90] = WALL  # a table west of where the goal would stand
    near, clear = (
        find_frontiers(grid(cells), (1.0, 1.0), RADIUS, standoff=0.7, goal_clearance=gc)[0]
        for gc in (0.0, 0.55)
    )
    assert wall_distance(grid(cells), near.x, near.y, 1.0) < 0.3, "the test needs a crowded goal"
    assert wall_distance(grid(cells), clear.x, clear.y, 1.0) >= 0.55 - 0.05  # to a cell
    assert (clear.fx, clear.fy) == (near.fx, near.fy)
    assert 0.7 <= math.hypot(clear.x - clear.fx, clear.y - clear.fy) <= 0.8


def test_where_no_goal_is_that_clear_the_nearest_one_that_sees_the_frontier_is_kept():
    cells = room()
    cells[25:47, 109] = FREE
    plain, crowded = (
        find_frontiers(grid(cells), (1.0, 1.0), RADIUS, standoff=0.7, goal_clearance=gc)[0]
        for gc in (0.0, 5.0)
    )
    assert plain == crowded


def test_a_frontier_at_the_end_of_a_passage_too_short_to_stand_back_in_is_its_own_goal():
    cells = room(20, 20)
    cells[29, 15:25] = FREE  # a 0.5 m door in the north wall of a 0.9 m room, unknown beyond
    found = find_frontiers(grid(cells), (1.0, 0.8), 0.05, standoff=2.0)
    assert found and all((f.x, f.y) == (f.fx, f.fy) for f in found)
    with pytest.raises(ValueError, match="sane"):
        find_frontiers(grid(cells), (1.0, 0.8), 0.05, standoff=-0.1)
