"""The simulated robot navigating, for the end-to-end navigation tests: launch/sim.launch with
mapping:=true or navigation:=true and the real move_base, amcl, gmapping and
depthimage_to_laserscan from the overlay (test/overlay_fixtures.py), the Kinect sweeping and
odometry noise on; judged on the world's ground truth (/sim/ground_truth, maps/apartment.yaml).

`bring_up` starts it once per test module (the tests share the robot and its state).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from fixtures.harness import Process, ProcessGroup, Recorder, ros_environment, wait_for
from fixtures.overlay import overlay_environment
from scipy import ndimage

from terry.base.drive import Pose2D
from terry.model import footprint_radius, load_robot
from terry.paths import package_file
from terry.sim.world import OccupancyMap

WORLD = OccupancyMap.load(package_file("maps", "apartment.yaml"))
FOOTPRINT = footprint_radius(load_robot())
# room: a goal (x, y, yaw) in the world's map, in the order a tour of the apartment visits them
# (the navigation scenario and bench/nav.py)
ROOMS = {
    "kitchen": (4.6, 0.4, 0.0),
    "hallway": (6.0, 2.3, math.pi),
    "bathroom": (3.9, 3.8, math.pi / 2),
    "bedroom": (0.0, 2.5, math.pi),
    "living room": (-0.5, -0.5, -math.pi / 2),
}


def yaw_of(q) -> float:
    return math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))


def pose_of(msg) -> Pose2D:
    p = msg.pose.pose
    return Pose2D(p.position.x, p.position.y, yaw_of(p.orientation))


def angle_diff(a: float, b: float) -> float:
    return math.atan2(math.sin(a - b), math.cos(a - b))


def wall_distance(grid: OccupancyMap) -> np.ndarray:
    """Metres from each cell's centre to the nearest solid cell's edge (0 inside walls)."""
    inside = ndimage.distance_transform_edt(~grid.solid) * grid.resolution
    return np.maximum(inside - grid.resolution / 2, 0.0)


WALL_DISTANCE = wall_distance(WORLD)


def clearance(poses: list[Pose2D]) -> float:
    """The smallest distance from the robot's centre to a wall over the poses."""
    cols = [int((p.x - WORLD.origin[0]) / WORLD.resolution) for p in poses]
    rows = [int((p.y - WORLD.origin[1]) / WORLD.resolution) for p in poses]
    return float(WALL_DISTANCE[rows, cols].min())


@dataclass
class NavRobot:
    rospy: object
    launch: Process
    truth: Recorder
    buffer: object
    client: object = None  # actionlib.SimpleActionClient of move_base

    def true_pose(self) -> Pose2D:
        return pose_of(self.truth.snapshot()[-1])

    def believed_pose(self) -> Pose2D:
        """Where the robot thinks it is: tf map -> base_footprint (amcl or gmapping + odom)."""
        tf = self.buffer.lookup_transform(
            "map", "base_footprint", self.rospy.Time(0), self.rospy.Duration(5.0)
        )
        t = tf.transform.translation
        return Pose2D(t.x, t.y, yaw_of(tf.transform.rotation))

    def localisation_error(self) -> float:
        believed, true = self.believed_pose(), self.true_pose()
        return math.hypot(believed.x - true.x, believed.y - true.y)

    def alive(self) -> bool:
        assert self.launch.alive, f"the simulated robot exited:\n{self.launch.output()[-6000:]}"
        return True


def goal(x: float, y: float, yaw: float = 0.0):
    from move_base_msgs.msg import MoveBaseGoal

    msg = MoveBaseGoal()
    msg.target_pose.header.frame_id = "map"
    msg.target_pose.pose.position.x, msg.target_pose.pose.position.y = x, y
    msg.target_pose.pose.orientation.z = math.sin(yaw / 2)
    msg.target_pose.pose.orientation.w = math.cos(yaw / 2)
    return msg


GOAL_TIME = 240  # s for one room to the next, on a loaded two-core machine


def drive(robot: NavRobot, x: float, y: float, yaw: float, timeout: float = GOAL_TIME):
    """Send a goal and wait for its end; the goal's state, its text and the true path."""
    robot.truth.clear()
    robot.client.send_goal(goal(x, y, yaw))
    wait_for(
        lambda: robot.alive() and robot.client.wait_for_result(robot.rospy.Duration(1.0)),
        timeout,
        f"move_base's result for ({x}, {y})",
    )
    path = [pose_of(m) for m in robot.truth.snapshot()]
    return robot.client.get_state(), robot.client.get_goal_status_text(), path


@contextlib.contextmanager
def bring_up(ros_master, rospy, tmp_path_factory, **args: object) -> Iterator[NavRobot]:
    """sim.launch with `args` (no dashboard), up with move_base's action server and tf map ->
    base_footprint; everything stopped afterwards."""
    import actionlib
    import tf2_ros
    from move_base_msgs.msg import MoveBaseAction
    from nav_msgs.msg import Odometry

    env = {
        **ros_environment(ros_master.uri, ros_master.home, tmp_path_factory.mktemp("nav_run")),
        **overlay_environment(),
    }
    group = ProcessGroup(env, tmp_path_factory.mktemp("nav_logs"))
    argv = [f"{key}:={value}" for key, value in {"no_dashboard": "true", **args}.items()]
    launch = group.start("roslaunch", "terry", "sim.launch", *argv)
    truth = Recorder("/sim/ground_truth", Odometry)
    buffer = tf2_ros.Buffer()
    listener = tf2_ros.TransformListener(buffer)
    try:
        robot = NavRobot(rospy, launch, truth, buffer)
        wait_for(lambda: robot.alive() and truth.messages, 120, "the simulated world")
        wait_for(
            lambda: robot.alive() and buffer.can_transform("map", "base_footprint", rospy.Time(0)),
            120,
            "tf map -> base_footprint",
        )
        client = actionlib.SimpleActionClient("move_base", MoveBaseAction)
        wait_for(
            lambda: robot.alive() and client.wait_for_server(rospy.Duration(1.0)),
            120,
            "move_base's action server",
        )
        robot.client = client
        yield robot
    finally:
        listener.unregister()
        truth.close()
        group.stop_all()


@dataclass(frozen=True)
class MapScore:
    on_walls: float  # share of the map's occupied cells within 0.15 m of a true wall
    free_in_walls: float  # share of the map's free cells more than a cell deep inside a wall
    coverage: float  # share of the apartment's true floor that the map has as free


def score_map(msg) -> MapScore:
    """Judge an OccupancyGrid (gmapping's) against the world's true map."""
    info = msg.info
    if abs(info.resolution - WORLD.resolution) > 1e-6:
        raise ValueError(f"map resolution {info.resolution}, the world's is {WORLD.resolution}")
    data = np.asarray(msg.data, dtype=np.int16).reshape(info.height, info.width)
    rows, cols = np.mgrid[0 : info.height, 0 : info.width]
    x = info.origin.position.x + (cols + 0.5) * info.resolution
    y = info.origin.position.y + (rows + 0.5) * info.resolution
    col = np.floor((x - WORLD.origin[0]) / WORLD.resolution).astype(int)
    row = np.floor((y - WORLD.origin[1]) / WORLD.resolution).astype(int)
    inside = (row >= 0) & (row < WORLD.solid.shape[0]) & (col >= 0) & (col < WORLD.solid.shape[1])
    row, col = row.clip(0, WORLD.solid.shape[0] - 1), col.clip(0, WORLD.solid.shape[1] - 1)
    near_wall = np.where(inside, WALL_DISTANCE[row, col] <= 0.15, False)
    deep = ndimage.distance_transform_edt(WORLD.solid) * WORLD.resolution > WORLD.resolution
    in_wall = np.where(inside, deep[row, col], True)
    occupied, free = data >= 65, (data >= 0) & (data <= 19)
    floor = ~WORLD.solid & APARTMENT
    seen = np.zeros_like(floor)
    seen[row[free & inside], col[free & inside]] = True
    return MapScore(
        on_walls=float(near_wall[occupied].mean()) if occupied.any() else 0.0,
        free_in_walls=float(in_wall[free].mean()) if free.any() else 0.0,
        coverage=float((seen & floor).sum() / floor.sum()),
    )


def apartment(grid: OccupancyMap) -> np.ndarray:
    """The cells inside the outer walls: the free space reachable from the start, filled."""
    labels, _ = ndimage.label(~grid.solid)
    start = labels[int(-grid.origin[1] / grid.resolution), int(-grid.origin[0] / grid.resolution)]
    return ndimage.binary_fill_holes(labels == start)


APARTMENT = apartment(WORLD)
