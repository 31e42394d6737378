"""Mapping from the page, with the real stack (sim.launch mapping:=true: gmapping on the sweeping
Kinect's radar scan, move_base, noisy odometry): a click on gmapping's map makes move_base drive
the robot there, judged on the simulated world's ground truth and move_base's own result; Save
map writes the map that gmapping publishes, judged cell by cell against /map."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from fixtures.dashboard import MapView
from fixtures.harness import Recorder, wait_for
from fixtures.overlay import needs_overlay
from move_base_msgs.msg import MoveBaseActionGoal, MoveBaseActionResult
from nav_msgs.msg import OccupancyGrid, Odometry
from scipy import ndimage

from terry.paths import package_file
from terry.sim.world import OccupancyMap

pytestmark = needs_overlay

ARRIVED = 0.3  # m from the goal: the bar for a goal reached
CLEAR = 0.5  # m from any true wall for the place clicked
SUCCEEDED = 3  # actionlib_msgs/GoalStatus


@pytest.fixture(scope="module")
def map_file(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("maps") / "saved")


@pytest.fixture(scope="module")
def sim_launch_args(map_file: str) -> tuple[str, ...]:
    return ("mapping:=true", f"map_file:={map_file}")


def free_place_ahead(grid: OccupancyGrid, start: tuple[float, float]) -> tuple[float, float]:
    """A place about a metre from `start`, at least CLEAR from any true wall and free in gmapping's
    map: somewhere the robot can certainly go."""
    world = OccupancyMap.load(package_file("maps", "apartment.yaml"))
    to_wall = ndimage.distance_transform_edt(~world.solid) * world.resolution
    info = grid.info
    cells = np.asarray(grid.data, dtype=np.int16).reshape(info.height, info.width)
    for distance in (1.0, 0.8, 1.2):
        for k in range(16):
            angle = k * math.tau / 16
            x, y = start[0] + distance * math.cos(angle), start[1] + distance * math.sin(angle)
            wr = int((y - world.origin[1]) / world.resolution)
            wc = int((x - world.origin[0]) / world.resolution)
            mr = int((y - info.origin.position.y) / info.resolution)
            mc = int((x - info.origin.position.x) / info.resolution)
            inside = 0 <= wr < to_wall.shape[0] and 0 <= wc < to_wall.shape[1]
            if inside and to_wall[wr, wc] > CLEAR and cells[mr, mc] == 0:
                return x, y
    raise AssertionError("gmapping's map has no free place a metre from the robot")


def test_a_click_on_the_map_makes_move_base_drive_the_robot_there(rospy_node, page):
    page.wait_for_selector('#map[data-map="/map"]', timeout=120_000)  # gmapping's, not the sim's
    grid = rospy_node.wait_for_message("/map", OccupancyGrid, timeout=30)
    truth = rospy_node.wait_for_message("/sim/ground_truth", Odometry, timeout=10).pose.pose
    target = free_place_ahead(grid, (truth.position.x, truth.position.y))
    goals = Recorder("/move_base/goal", MoveBaseActionGoal)
    results = Recorder("/move_base/result", MoveBaseActionResult)
    wait_for(lambda: goals.connected(), 30, "the page's /move_base/goal")
    wait_for(lambda: results.connected(), 60, "move_base's /move_base/result")

    page.mouse.click(*MapView(page, grid).at(*target))
    goal = wait_for(goals.snapshot, 10, "the goal from the click")[-1]

    def finished() -> MoveBaseActionResult | None:
        mine = [r for r in results.snapshot() if r.status.goal_id.id == goal.goal_id.id]
        return mine[-1] if mine else None

    result = wait_for(finished, 120, "move_base's result for the clicked goal")
    assert result.status.status == SUCCEEDED, result.status.text
    end = rospy_node.wait_for_message("/sim/ground_truth", Odometry, timeout=10).pose.pose
    asked = goal.goal.target_pose.pose.position
    assert math.hypot(end.position.x - asked.x, end.position.y - asked.y) < ARRIVED
    moved = math.hypot(end.position.x - truth.position.x, end.position.y - truth.position.y)
    assert moved > 0.5, f"the robot moved only {moved:.2f} m"
    page.wait_for_selector("#nav-state[data-state=reached]", timeout=10_000)


def test_save_map_writes_the_map_that_gmapping_publishes(rospy_node, page, map_file):
    maps = Recorder("/map", OccupancyGrid)
    page.wait_for_selector("#map-save-row:not([hidden])", timeout=60_000)
    page.click("#map-save")
    page.wait_for_selector("#map-save-state[data-state=saved]", timeout=60_000)
    assert f"{map_file}.yaml" in page.text_content("#map-save-state")

    with open(f"{map_file}.yaml") as file:
        meta = yaml.safe_load(file)
    image = read_pgm(f"{map_file}.pgm")
    published = wait_for(maps.snapshot, 30, "/map")
    info = published[-1].info
    assert meta["resolution"] == pytest.approx(info.resolution)
    assert meta["origin"][:2] == pytest.approx([info.origin.position.x, info.origin.position.y])
    saved = saved_cells(image, meta)
    assert any(np.array_equal(saved, grid_cells(m)) for m in published), (
        "the saved map is none of the maps gmapping published while saving"
    )
    assert (saved == 100).sum() > 50 and (saved == 0).sum() > 500, "an empty map was saved"


def grid_cells(grid: OccupancyGrid) -> np.ndarray:
    """The map as map_saver's thresholds (trinary: 0 free, 100 occupied, -1 unknown) see it."""
    info = grid.info
    raw = np.asarray(grid.data, dtype=np.int16).reshape(info.height, info.width)
    cells = np.full(raw.shape, -1, dtype=np.int16)
    cells[(raw >= 0) & (raw <= 25)] = 0  # map_saver's free threshold
    cells[raw >= 65] = 100  # and its occupied one
    return cells


def saved_cells(image: np.ndarray, meta: dict) -> np.ndarray:
    """The saved image as cells, bottom row first as in the OccupancyGrid."""
    occupancy = (255 - image.astype(np.float64)) / 255.0
    cells = np.full(image.shape, -1, dtype=np.int16)
    cells[occupancy > meta["occupied_thresh"]] = 100
    cells[occupancy < meta["free_thresh"]] = 0
    return cells[::-1]


def read_pgm(path: str) -> np.ndarray:
    """A binary (P5) 8-bit PGM, as map_saver writes it."""
    with open(path, "rb") as file:
        data = file.read()
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:
        while data[at : at + 1].isspace():
            at += 1
        if data[at : at + 1] == b"#":
            at = data.index(b"\n", at) + 1
            continue
        end = at
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P5" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    pixels = np.frombuffer(data[at + 1 : at + 1 + width * height], dtype=np.uint8)
    return pixels.reshape(height, width)
