"""The explore node: drives to the nearest reachable frontier of /map with move_base, again and
again, until no frontier is left, ~time_limit passes or move_base fails ~stuck_after goals in a
row, then saves the map with map_saver.

Subscribes: map (nav_msgs/OccupancyGrid, gmapping's), /estop/state (std_msgs/Bool: engaged stops
exploring; it does not resume by itself). Uses: the move_base action (move_base_msgs), tf
~map_frame -> ~base_frame. Publishes: explore/status (std_msgs/String, latched JSON: state,
reason, goals reached and failed, frontiers left, the saved map). Services: explore/start,
explore/stop (std_srvs/Trigger). Params: ~time_limit (s, 900), ~goal_timeout (s per goal, 120),
~map_file (map_saver's -f; empty: do not save), ~autostart (true), ~robot_radius (m, default the
URDF's footprint), ~min_frontier (cells, 5), ~min_pocket (m^2, 1.0: enclosed unknown space
smaller than this is the inside of furniture, not explored), ~standoff (m, 0.7: goals stand
this far back from their frontier, out of the Kinect's 0.45 m blind spot), ~goal_clearance (m,
0.55: goals this clear of walls where they can be, past where the obstacle guard stops the base
driving at a wall), ~stuck_after (goals, 5),
~clearance (m, default move_base's global costmap robot_radius + footprint_padding: how
clear of walls the planner keeps the base, so frontiers are reached through cells this clear),
~escape_step (m, 0.15). Decisions: terry.nav.explore.

Before each goal, explore asks move_base's planner for a plan (the move_base/make_plan service,
nav_msgs/GetPlan) and gives a frontier it has no plan to up at once: sent as a goal, it cost
move_base's recoveries, turning in place, about 40 s. Such a refusal counts towards
~stuck_after only when the base stands nearer than ~clearance to a wall: from the open, it
means the frontier is out of reach, not that the base is stuck. Without the service (another
planner server) every goal is sent.

When move_base gives up (or has no plan) with the base nearer than ~clearance to the map's walls
(where its planner finds no plan out), explore turns the base in place and drives it up to
~escape_step straight out on cmd_vel (geometry_msgs/Twist; the heading from terry.nav.escape),
then goes on. The walls are the map's and the lethal cells of move_base's local costmap
(move_base/local_costmap/costmap, nav_msgs/OccupancyGrid, when one came in the last
~costmap_age s, default 3), which has what the map lacks: furniture seen only from too near.
"""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import actionlib
import rospy
import tf2_ros
from actionlib_msgs.msg import GoalStatus
from geometry_msgs.msg import PoseStamped, Quaternion, Twist
from move_base_msgs.msg import MoveBaseAction, MoveBaseGoal
from nav_msgs.msg import OccupancyGrid
from nav_msgs.srv import GetPlan
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger, TriggerResponse

from terry.base.drive import Pose2D
from terry.model import footprint_radius, load_robot
from terry.nav.escape import check, escape_heading, wall_distance, with_obstacles
from terry.nav.explore import Explorer
from terry.nav.frontier import Frontier, Grid
from terry.nav.map_saver import MapSaveError, save_map
from terry.nodes.startup import start
from terry.safety.estop import STATE_TOPIC

PUBLISHES = ("explore/status", "cmd_vel")
SUBSCRIBES = ("map", STATE_TOPIC, "move_base/local_costmap/costmap")
CHECK_PERIOD = 1.0  # s between looks at the goal's progress and the map
ESCAPE_RATE = 10.0  # Hz of cmd_vel while backing out
ESCAPE_TURN = 0.6  # rad/s at most while turning to the way out
ESCAPE_SPEED = 0.08  # m/s along it
ESCAPE_TIME = 12.0  # s for the whole manoeuvre
PLAN_WAIT = 2.0  # s to wait for move_base's make_plan service before sending goals unasked


class ExploreNode:
    def __init__(self) -> None:
        self.map_frame = rospy.get_param("~map_frame", "map")
        self.base_frame = rospy.get_param("~base_frame", "base_footprint")
        self.goal_timeout = float(rospy.get_param("~goal_timeout", 120.0))
        self.map_file = str(rospy.get_param("~map_file", str(Path.home() / "maps" / "explored")))
        if not (math.isfinite(self.goal_timeout) and self.goal_timeout > 0):
            raise ValueError(f"~goal_timeout must be > 0 s, got {self.goal_timeout}")
        robot_radius = float(rospy.get_param("~robot_radius", footprint_radius(load_robot())))
        costmap = "/move_base/global_costmap/"
        self.clearance = float(
            rospy.get_param(
                "~clearance",
                rospy.get_param(costmap + "robot_radius", robot_radius)
                + rospy.get_param(costmap + "footprint_padding", 0.0),
            )
        )
        self.escape_step = float(rospy.get_param("~escape_step", 0.15))
        check(self.clearance, self.escape_step)
        self.costmap_age = float(rospy.get_param("~costmap_age", 3.0))
        if not (math.isfinite(self.costmap_age) and self.costmap_age >= 0):
            raise ValueError(f"~costmap_age must be >= 0 s, got {self.costmap_age}")
        self.explorer = Explorer(
            robot_radius=robot_radius,
            clearance=self.clearance,
            time_limit=float(rospy.get_param("~time_limit", 900.0)),
            min_size=int(rospy.get_param("~min_frontier", 5)),
            min_pocket=float(rospy.get_param("~min_pocket", 1.0)),
            standoff=float(rospy.get_param("~standoff", 0.7)),
            goal_clearance=float(rospy.get_param("~goal_clearance", 0.55)),
            stuck_after=int(rospy.get_param("~stuck_after", 5)),
        )
        self._lock = threading.Lock()
        self._grid: Grid | None = None
        self._costmap: tuple[Grid, str, float] | None = None  # grid, frame, time received
        self._run = threading.Event()
        self._thread: threading.Thread | None = None
        self._stop_reason = ""
        self.tf_buffer = tf2_ros.Buffer()
        self._listener = tf2_ros.TransformListener(self.tf_buffer)
        self.move_base = actionlib.SimpleActionClient("move_base", MoveBaseAction)
        self.make_plan = rospy.ServiceProxy("move_base/make_plan", GetPlan)
        self.status_pub = rospy.Publisher(PUBLISHES[0], String, queue_size=1, latch=True)
        self.cmd_vel = rospy.Publisher(PUBLISHES[1], Twist, queue_size=1)
        rospy.Subscriber(SUBSCRIBES[0], OccupancyGrid, self._on_map, queue_size=1)
        rospy.Subscriber(SUBSCRIBES[1], Bool, self._on_estop, queue_size=1)
        rospy.Subscriber(SUBSCRIBES[2], OccupancyGrid, self._on_costmap, queue_size=1)
        rospy.Service("explore/start", Trigger, self._start)
        rospy.Service("explore/stop", Trigger, self._stop)
        self._status("idle", "waiting for explore/start")
        if rospy.get_param("~autostart", True):
            self._start(None)

    @staticmethod
    def _grid_of(msg: OccupancyGrid, what: str) -> Grid | None:
        info = msg.info
        if abs(info.origin.orientation.z) > 1e-3:  # gmapping's and costmap_2d's grids are not
            rospy.logerr_throttle(10, f"explore: {what} ignored: its origin is turned")
            return None
        try:
            return Grid.from_flat(
                msg.data,
                info.width,
                info.height,
                info.resolution,
                (info.origin.position.x, info.origin.position.y),
            )
        except ValueError as error:
            rospy.logerr_throttle(10, f"explore: {what} ignored: {error}")
            return None

    def _on_map(self, msg: OccupancyGrid) -> None:
        grid = self._grid_of(msg, "map")
        if grid is not None:
            with self._lock:
                self._grid = grid

    def _on_costmap(self, msg: OccupancyGrid) -> None:
        grid = self._grid_of(msg, "local costmap")
        if grid is not None:
            with self._lock:
                self._costmap = (grid, msg.header.frame_id, rospy.get_time())

    def _walls(self) -> Grid | None:
        """The map, with the local costmap's lethal cells when a fresh one is placed by tf."""
        with self._lock:
            grid, costmap = self._grid, self._costmap
        if grid is None or costmap is None or rospy.get_time() - costmap[2] > self.costmap_age:
            return grid
        try:
            tf = self.tf_buffer.lookup_transform(self.map_frame, costmap[1], rospy.Time(0))
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle(10, f"explore: the local costmap left out: {error}")
            return grid
        t, q = tf.transform.translation, tf.transform.rotation
        pose = Pose2D.projected(t.x, t.y, (q.x, q.y, q.z, q.w))
        return with_obstacles(grid, costmap[0], (pose.x, pose.y, pose.yaw))

    def _on_estop(self, msg: Bool) -> None:
        if msg.data and self._run.is_set():
            self._halt("stopped: e-stop engaged (call explore/start to go on)")

    def _start(self, _request) -> TriggerResponse:
        if self._run.is_set():
            return TriggerResponse(False, "already exploring")
        if self._thread is not None and self._thread.is_alive():
            return TriggerResponse(False, "still stopping the last run; try again in a second")
        self._run.set()
        self._thread = threading.Thread(target=self._explore, daemon=True)
        self._thread.start()
        return TriggerResponse(True, "exploring")

    def _stop(self, _request) -> TriggerResponse:
        if not self._run.is_set():
            return TriggerResponse(False, "not exploring")
        self._halt("stopped on request")
        return TriggerResponse(True, "stopped")

    def _halt(self, reason: str) -> None:
        self._stop_reason = reason
        self._run.clear()
        self.move_base.cancel_all_goals()

    def _status(self, state: str, reason: str = "", saved: str = "") -> None:
        e = self.explorer
        report = {
            "state": state,
            "reason": reason,
            "reached": e.reached,
            "failed": e.failed,
            "frontiers": e.frontiers_left,
            "map": saved,
        }
        self.status_pub.publish(String(json.dumps(report)))
        rospy.loginfo(f"explore: {state} {reason}".rstrip())

    def _robot(self) -> tuple[float, float] | None:
        pose = self._pose()
        return None if pose is None else (pose.x, pose.y)

    def _pose(self) -> Pose2D | None:
        try:
            tf = self.tf_buffer.lookup_transform(self.map_frame, self.base_frame, rospy.Time(0))
        except tf2_ros.TransformException as error:
            rospy.logwarn_throttle(10, f"explore: where is the robot? {error}")
            return None
        t, q = tf.transform.translation, tf.transform.rotation
        return Pose2D.projected(t.x, t.y, (q.x, q.y, q.z, q.w))

    def _explore(self) -> None:
        self.explorer.start(rospy.get_time())
        self._status("exploring", "waiting for move_base, /map and tf")
        while self._run.is_set() and not self.move_base.wait_for_server(rospy.Duration(1.0)):
            pass
        while self._run.is_set() and not rospy.is_shutdown():
            with self._lock:
                grid = self._grid
            robot = self._robot()
            if grid is None or robot is None:
                rospy.sleep(CHECK_PERIOD)
                continue
            try:
                goal = self.explorer.next_goal(grid, robot, rospy.get_time())
            except ValueError as error:  # e.g. the robot is off gmapping's map
                rospy.logerr_throttle(10, f"explore: {error}")
                rospy.sleep(CHECK_PERIOD)
                continue
            if goal is None and self.explorer.finished:
                self._run.clear()
                self._status("done", self.explorer.finished, self._save())
                return
            if goal is None:
                rospy.sleep(CHECK_PERIOD)
                continue
            self._status(
                "exploring",
                f"to ({goal.x:.2f}, {goal.y:.2f}), {goal.distance:.1f} m, to see the frontier at "
                f"({goal.fx:.2f}, {goal.fy:.2f})",
            )
            self._drive_to(goal, robot)
        self._status("stopped", self._stop_reason)

    def _drive_to(self, goal: Frontier, robot: tuple[float, float]) -> None:
        target = MoveBaseGoal()
        target.target_pose.header.frame_id = self.map_frame
        target.target_pose.header.stamp = rospy.Time.now()
        target.target_pose.pose.position.x, target.target_pose.pose.position.y = goal.x, goal.y
        # facing the frontier; where the goal is the frontier's own cell, facing the way there
        if (goal.x, goal.y) == (goal.fx, goal.fy):
            heading = math.atan2(goal.y - robot[1], goal.x - robot[0])
        else:
            heading = math.atan2(goal.fy - goal.y, goal.fx - goal.x)
        target.target_pose.pose.orientation = Quaternion(*Pose2D(0, 0, heading).quaternion())
        if not self._plannable(target.target_pose):
            rospy.logwarn(f"explore: move_base has no plan to ({goal.x:.2f}, {goal.y:.2f})")
            trapped = self._escape_if_trapped()
            self.explorer.done_with(goal, reached=False, refused=not trapped)
            return
        self.move_base.send_goal(target)
        deadline = rospy.get_time() + self.goal_timeout
        while self._run.is_set() and not rospy.is_shutdown():
            if self.move_base.wait_for_result(rospy.Duration(CHECK_PERIOD)):
                state = self.move_base.get_state()
                if state != GoalStatus.SUCCEEDED:
                    rospy.logwarn(
                        f"explore: move_base gave up on ({goal.x:.2f}, {goal.y:.2f}): "
                        f"{self.move_base.get_goal_status_text() or GoalStatus.to_string(state)}"
                    )
                self.explorer.done_with(goal, reached=state == GoalStatus.SUCCEEDED)
                if state == GoalStatus.ABORTED:
                    self._escape_if_trapped()
                return
            with self._lock:
                grid = self._grid
            now = rospy.get_time()
            seen = grid is not None and not self.explorer.still_open(grid, goal)
            if seen or now > deadline or self.explorer.out_of_time(now):
                self.move_base.cancel_goal()
                # move_base answers make_plan only once the cancelled goal has ended
                self.move_base.wait_for_result(rospy.Duration(PLAN_WAIT))
                self.explorer.done_with(goal, reached=seen)
                return

    def _plannable(self, target: PoseStamped) -> bool:
        """Whether move_base's planner finds a plan from the robot to `target`; True when there
        is no make_plan service to ask (the goal is sent and move_base decides)."""
        try:
            self.make_plan.wait_for_service(PLAN_WAIT)
            plan = self.make_plan(start=PoseStamped(), goal=target, tolerance=0.0).plan
        except (rospy.ROSException, rospy.ServiceException) as error:
            rospy.logwarn_throttle(60, f"explore: sending goals unchecked: {error}")
            return True
        return len(plan.poses) > 0

    def _escape_if_trapped(self) -> bool:
        """Turn the base to the way out of the walls' padding and drive it out a little, when
        it stands inside it (move_base plans nothing from there); stopped on an e-stop or stop.
        Whether the base stood trapped (or where it stands is not known)."""
        grid = self._walls()
        start = self._pose()
        if grid is None or start is None:
            return True
        if wall_distance(grid, start.x, start.y, self.clearance) >= self.clearance:
            return False
        heading = escape_heading(grid, (start.x, start.y), self.clearance, self.escape_step)
        if heading is None:
            return True
        rospy.logwarn(
            f"explore: the base is within {self.clearance:.2f} m of a wall, where move_base "
            f"finds no plan: backing out {self.escape_step:.2f} m towards {heading:.2f} rad"
        )
        rate, deadline = rospy.Rate(ESCAPE_RATE), rospy.get_time() + ESCAPE_TIME
        while self._run.is_set() and not rospy.is_shutdown() and rospy.get_time() < deadline:
            pose = self._pose()
            if pose is None:
                break
            error = math.remainder(heading - pose.yaw, math.tau)
            if math.hypot(pose.x - start.x, pose.y - start.y) >= self.escape_step:
                break
            twist = Twist()
            if abs(error) > 0.15:  # a disc may turn where it stands
                twist.angular.z = math.copysign(min(ESCAPE_TURN, max(0.3, abs(error))), error)
            else:
                twist.linear.x, twist.angular.z = ESCAPE_SPEED, error
            self.cmd_vel.publish(twist)
            try:
                rate.sleep()
            except rospy.ROSInterruptException:  # shutting down
                break
        self.cmd_vel.publish(Twist())
        return True

    def _save(self) -> str:
        if not self.map_file:
            return ""
        try:
            return str(save_map(rospy.resolve_name(SUBSCRIBES[0]), self.map_file))
        except MapSaveError as error:
            rospy.logerr(f"explore: {error}")
            return ""


def main() -> None:
    start("explore", ExploreNode)
    rospy.spin()
