"""The simulated world: the apartment map, walls that stop the robot, the Kinect's view."""

import math
import subprocess
import sys

import numpy as np
import pytest

from terry.base.drive import Pose2D
from terry.model import DriveGeometry
from terry.paths import package_file
from terry.sim.world import DepthScanner, OccupancyMap, World, compose, read_pgm

MAP = package_file("maps", "apartment.yaml")
GEOMETRY = DriveGeometry(wheel_radius=0.05, wheel_separation=0.3)
KINECT = DepthScanner()


@pytest.fixture(scope="module")
def grid() -> OccupancyMap:
    return OccupancyMap.load(MAP)


def test_map_generator_reproduces_the_committed_map(tmp_path):
    subprocess.run(
        [sys.executable, str(package_file("tools", "make_map.py")), str(tmp_path)], check=True
    )
    for name in ("apartment.pgm", "apartment.yaml"):
        assert (tmp_path / name).read_bytes() == package_file("maps", name).read_bytes(), name


def test_map_is_read_like_map_server_does(grid):
    image = read_pgm(package_file("maps", "apartment.pgm"))
    assert grid.solid.shape == image.shape
    assert not grid.is_solid(0.0, 0.0), "the start pose is free"
    # the outer wall at x = -2.5 .. -2.4 and the wall at y = 4.4 .. 4.5 (top of the image)
    assert grid.is_solid(-2.45, 0.0) and grid.is_solid(0.0, 4.45)
    assert not grid.is_solid(0.0, 4.3)
    assert grid.is_solid(100.0, 0.0), "off the map is solid"


def test_robot_drives_in_free_space_and_stops_at_a_wall(grid):
    world = World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(0.0, 0.0, math.pi))
    turn = 0.3 / GEOMETRY.wheel_radius  # wheel angle for 0.3 m, towards the west wall at x = -2.4
    assert world.roll(turn, turn)
    assert world.pose.x == pytest.approx(-0.3)
    for _ in range(20):
        world.roll(turn, turn)
    assert world.pose.x == pytest.approx(-2.4 + 0.2, abs=0.05), "stops with its edge at the wall"
    assert not world.roll(turn, turn)
    assert world.roll(-turn, -turn), "and can back away"


def test_robot_against_a_wall_still_turns_where_it_stands(grid):
    """A push into the wall with a turn: the push is lost, the turn is not (a disc's wheels slip
    on the floor; the world must not hold its heading, or a turn in place sticks to walls)."""
    world = World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(-2.19, 0.0, math.pi))
    assert world.collides(Pose2D(-2.21, 0.0, 0.0)), "its edge touches the west wall"
    forward, turn = 0.02 / GEOMETRY.wheel_radius, 0.1  # a 0.02 m push into the wall, turning
    assert not world.roll(forward - turn, forward + turn)
    expected = math.remainder(math.pi + 2 * turn * GEOMETRY.wheel_radius / 0.3, math.tau)
    assert world.pose.yaw == pytest.approx(expected)
    assert -2.2 - 0.002 < world.pose.x <= -2.19, "up to the wall, not into it"
    assert not world.collides(world.pose)


def test_start_pose_inside_a_wall_is_refused(grid):
    with pytest.raises(ValueError, match="free space"):
        World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(-2.45, 0.0, 0.0))


@pytest.mark.parametrize(
    ("sensor", "expected"),
    [
        (Pose2D(0.0, -0.7, 0.0), 3.0),  # the living room's east wall
        (Pose2D(1.0, -0.7, 0.0), 2.0),
        (Pose2D(0.0, 0.0, -math.pi / 2), 2.4),  # the south wall
    ],
)
def test_centre_beam_measures_the_distance_to_the_wall(grid, sensor, expected):
    world = World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(0.0, 0.0, 0.0))
    ranges = world.scan(sensor, KINECT)
    assert len(ranges) == KINECT.beams
    assert ranges[KINECT.beams // 2] == pytest.approx(expected, abs=0.05)


def test_obstacles_inside_the_blind_spot_give_no_reading(grid):
    world = World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(0.0, 0.0, 0.0))
    # 0.3 m in front of the east wall of the living room: the wall is in the blind spot
    ranges = world.scan(Pose2D(2.7, -1.5, 0.0), KINECT)
    centre = ranges[KINECT.beams // 2 - 20 : KINECT.beams // 2 + 20]
    assert np.isnan(centre).all()
    assert np.nanmin(world.scan(Pose2D(2.0, -1.5, 0.0), KINECT)) >= KINECT.range_min


def test_scan_changes_as_the_sensor_turns(grid):
    world = World(grid, GEOMETRY, robot_radius=0.2, pose=Pose2D(0.0, 0.0, 0.0))
    first = world.scan(Pose2D(0.0, 0.0, 0.0), KINECT)
    turned = world.scan(Pose2D(0.0, 0.0, math.radians(90)), KINECT)
    assert np.nanmean(np.abs(first - turned)) > 0.3


def test_sensor_pose_composes_with_the_robot_pose():
    robot = Pose2D(1.0, 2.0, math.pi / 2)
    camera = compose(robot, Pose2D(0.1, 0.0, 0.5))
    assert (camera.x, camera.y, camera.yaw) == pytest.approx((1.0, 2.1, math.pi / 2 + 0.5))
