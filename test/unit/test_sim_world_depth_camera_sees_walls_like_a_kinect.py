"""The simulated Kinect's depth image: walls where the map has them, at the distance the map
says, the floor below, nothing inside the blind spot or beyond the range, noise growing with
depth; a tilted camera sees the floor nearer. What the Kinect driver publishes (16UC1 mm)."""

import math

import numpy as np
import pytest

from terry.paths import package_file
from terry.sim.depth_camera import DepthCamera, millimetres, render, rotation_matrix
from terry.sim.world import OccupancyMap

HEIGHT = 0.255  # the depth camera above the floor on Terry (URDF)
SPOT = [1.5, -1.3, HEIGHT]  # the living room, 1.5 m from its east wall, only that wall in view
OPTICAL = np.array([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])  # body <- optical


@pytest.fixture(scope="module")
def grid() -> OccupancyMap:
    return OccupancyMap.load(package_file("maps", "apartment.yaml"))


def looking(yaw: float, pitch: float = 0.0) -> np.ndarray:
    """map <- optical for a camera heading `yaw`, tilted down by `pitch`."""
    q_yaw = (0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2))
    q_pitch = (0.0, math.sin(pitch / 2), 0.0, math.cos(pitch / 2))
    return rotation_matrix(q_yaw) @ rotation_matrix(q_pitch) @ OPTICAL


def test_rotation_matrix_matches_the_quaternion():
    r = rotation_matrix((0.0, 0.0, math.sin(math.pi / 4), math.cos(math.pi / 4)))
    assert r @ np.array([1.0, 0.0, 0.0]) == pytest.approx([0.0, 1.0, 0.0])


def test_level_camera_sees_the_wall_at_its_distance_in_the_middle_rows(grid):
    camera = DepthCamera(noise=False)
    depth = render(grid, camera, SPOT, looking(0.0))
    assert depth.shape == (camera.height, camera.width) and depth.dtype == np.float32
    middle = depth[camera.height // 2 - 5 : camera.height // 2 + 5]
    # the living room's east wall is the plane x = 3.0: depth along the optical axis is 1.5
    assert np.nanmax(np.abs(middle - 1.5)) < 0.03
    bottom = depth[-1, camera.width // 2]
    focal, (_, cy) = camera.focal, camera.centre
    assert bottom == pytest.approx(HEIGHT * focal / (camera.height - 1 - cy), rel=0.01), "floor"


def test_wall_column_follows_the_wall_not_the_centre_distance(grid):
    camera = DepthCamera(noise=False)
    depth = render(grid, camera, SPOT, looking(0.0))
    row = depth[camera.height // 2]
    assert np.nanmax(row) - np.nanmin(row) < 0.05, "a flat wall has one depth across the image"


def test_blind_spot_and_far_range_give_no_data(grid):
    camera = DepthCamera(noise=False)
    near = render(grid, camera, [2.7, -1.5, HEIGHT], looking(0.0))  # 0.3 m from the east wall
    assert np.isnan(near).all(), "the wall fills the view and it is in the blind spot"
    assert np.nanmin(render(grid, camera, SPOT, looking(0.0))) >= camera.range_min
    short = DepthCamera(noise=False, range_max=1.0)
    far = render(grid, short, SPOT, looking(0.0))
    assert np.isnan(far[: camera.height // 2]).all(), "the wall at 1.5 m is beyond 1 m"


def test_tilting_down_brings_the_floor_into_the_middle_rows(grid):
    camera = DepthCamera(noise=False)
    level = render(grid, camera, SPOT, looking(0.0))
    tilted = render(grid, camera, SPOT, looking(0.0, pitch=0.4))
    centre = (camera.height // 2, camera.width // 2)
    assert tilted[centre] == pytest.approx(HEIGHT / math.sin(0.4), rel=0.05)
    assert tilted[centre] < level[centre] - 0.5


def test_noise_grows_with_depth_and_is_seeded(grid):
    camera = DepthCamera()
    exact = render(grid, DepthCamera(noise=False), SPOT, looking(0.0))
    noisy = render(grid, camera, SPOT, looking(0.0), np.random.default_rng(1))
    again = render(grid, camera, SPOT, looking(0.0), np.random.default_rng(1))
    assert np.array_equal(noisy, again, equal_nan=True)
    error = noisy - exact
    walls, floor_near = error[: camera.height // 2], error[-10:]
    assert 0.002 < np.nanstd(walls) < 0.008, "about 1.2 + 1.9 * 1.1^2 = 3.5 mm at 1.5 m"
    assert np.nanstd(floor_near) < np.nanstd(walls)


def test_driver_encoding_is_millimetres_with_zero_for_no_data():
    mm = millimetres(np.array([[1.2344, np.nan], [0.5, 8.0]], dtype=np.float32))
    assert mm.dtype == np.uint16 and mm.tolist() == [[1234, 0], [500, 8000]]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"width": 4},
        {"height": 1000},
        {"range_min": 9.0},
        {"range_max": math.nan},
        {"wall_height": 0},
    ],
)
def test_bad_camera_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        DepthCamera(**kwargs)


@pytest.mark.parametrize(
    ("position", "rotation"),
    [([0.0, 0.0], np.eye(3)), ([0.0, 0.0, math.nan], np.eye(3)), ([0, 0, 0.2], np.eye(2))],
)
def test_bad_camera_pose_is_refused(grid, position, rotation):
    with pytest.raises(ValueError):
        render(grid, DepthCamera(), position, rotation)
