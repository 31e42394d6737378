"""The arm's action servers: FollowJointTrajectory for the arm, GripperCommand for the claw.

Actions /arm_controller/follow_joint_trajectory (control_msgs/FollowJointTrajectory: any of the
arm's joints, the claw too) and /gripper_controller/gripper_cmd (control_msgs/GripperCommand:
position is the claw angle in rad, 0 closed .. 0.8 open). Both publish on /arm/smooth_command,
so the smoothing shim re-times them (it passes them through when smoothing is off), and judge
every goal against the measured /joint_states (terry.arm.actions): SUCCEEDED when the goal
tolerances hold by the trajectory's end plus goal_time_tolerance, ABORTED with the error code and
the reason otherwise. A new goal preempts the running one and splices onto its motion; a cancel
brakes smoothly to a stop; the e-stop (/estop/state) aborts. The claw's server
(terry.nodes.arm_gripper) and the named poses, teach and replay and park
(terry.nodes.arm_pose_services) run in the same node on this object's state.
Params: ~goal_tolerance (0.03 rad), ~goal_time (1.0 s), ~path_tolerance (0: not checked),
~claw_tolerance (0.03 rad), ~stall_time (0.3 s), ~claw_stiffness (2.5 N m/rad: the servo's torque
per rad between command and position). The shim's ~max_acceleration, ~enabled and ~mode are read
from /smooth_shim. (About 300 lines: the FollowJointTrajectory server with its monitor loop; the
gripper and the pose services are modules of their own.)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

import actionlib
import rospy

try:  # control_msgs is not in Debian: ./run setup builds it into the overlay
    import control_msgs.msg  # noqa: F401
except ModuleNotFoundError as missing:
    raise SystemExit(
        "arm_controller: control_msgs is missing, so the arm's action servers cannot start (the "
        "rest of the arm works). Debian 12: ./run setup with the thirdparty sources "
        "(docs/navigation.md); Ubuntu Noetic: sudo apt install ros-noetic-control-msgs"
    ) from missing
from control_msgs.msg import (
    FollowJointTrajectoryAction,
    FollowJointTrajectoryFeedback,
    FollowJointTrajectoryResult,
)
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.arm.actions import (
    ARM_ACTION,
    PATH_TOLERANCE_VIOLATED,
    Goal,
    GoalMonitor,
    GoalRefused,
    Tolerance,
    linear_reference,
    parse_goal,
    smoothed_reference,
    stopping_point,
)
from terry.arm.smoothing import MODES, PASS_THROUGH, Plan, Smoother
from terry.model import ARM_JOINTS, load_robot
from terry.nodes.arm_gripper import GripperServer
from terry.nodes.arm_pose_services import PoseServices
from terry.safety.estop import STATE_TOPIC, EstopWatch

SHIM = "/smooth_shim/"


def positive_param(name: str, default: float, zero_ok: bool = False) -> float:
    """A parameter that must be a finite number > 0 (>= 0 with zero_ok); else a clear error."""
    value = rospy.get_param(name, default)
    number = isinstance(value, int | float) and math.isfinite(value)
    if not (number and (value > 0 or (zero_ok and value == 0))):
        bound = ">= 0" if zero_ok else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


class ArmController:
    def __init__(self) -> None:
        robot = load_robot()
        self.joints = {name: robot.joint(name) for name in ARM_JOINTS}
        goal_tolerance = positive_param("~goal_tolerance", 0.03)
        path_tolerance = positive_param("~path_tolerance", 0.0, zero_ok=True)
        self.defaults = (
            {n: Tolerance(path_tolerance if path_tolerance > 0 else math.inf) for n in self.joints},
            {n: Tolerance(goal_tolerance) for n in self.joints},
            positive_param("~goal_time", 1.0, zero_ok=True),
        )
        self.claw_tolerance = positive_param("~claw_tolerance", 0.03)
        self.stall_time = positive_param("~stall_time", 0.3)
        self.stiffness = positive_param("~claw_stiffness", 2.5)
        self.smoother = Smoother(self.joints, positive_param(SHIM + "max_acceleration", 8.0))
        self.plan: Plan | None = None  # what the shim is doing, as it plans it
        self.measured: dict[str, float] = {}
        self.velocity: dict[str, float] = {}
        self.stamp = 0.0
        self.taken_over: tuple[float, str] = (0.0, "")  # when someone else last commanded
        self.changed = threading.Condition()
        self.estop = EstopWatch()
        self.output = rospy.Publisher("/arm/smooth_command", JointTrajectory, queue_size=10)
        rospy.Subscriber("/joint_states", JointState, self.on_joint_states, queue_size=10)
        rospy.Subscriber(STATE_TOPIC, Bool, self.on_estop_state, queue_size=1)
        rospy.Subscriber("/arm/smooth_command", JointTrajectory, self.on_command, queue_size=10)
        rospy.Timer(rospy.Duration(0.2), self.check_estop)
        self.arm = actionlib.SimpleActionServer(
            ARM_ACTION, FollowJointTrajectoryAction, self.follow, auto_start=False
        )

    def start(self) -> None:
        self.arm.start()

    # Inputs --------------------------------------------------------------------------------
    def on_joint_states(self, msg: JointState) -> None:
        arm = [(n, p, i) for i, (n, p) in enumerate(zip(msg.name, msg.position, strict=False))]
        arm = [(n, p, i) for n, p, i in arm if n in self.joints]
        if not arm:
            return
        with self.changed:
            for name, position, index in arm:
                self.measured[name] = position
                self.velocity[name] = msg.velocity[index] if index < len(msg.velocity) else 0.0
            self.stamp = msg.header.stamp.to_sec() or rospy.get_time()
            self.changed.notify_all()

    def on_command(self, msg: JointTrajectory) -> None:
        """Another client's command (arm_ik, the dashboard) takes the arm over: the running
        goal ends, and the shim's plan is followed as the shim makes it."""
        caller = msg._connection_header.get("callerid", "")
        if caller == rospy.get_name():
            return
        now = rospy.get_time()
        try:
            goal = parse_goal(
                msg.joint_names,
                [(p.time_from_start.to_sec(), p.positions) for p in msg.points],
                (), (), 0.0, self.joints, self.defaults,
            )  # fmt: skip
        except GoalRefused:  # the shim refuses it too, or it is a stop
            goal = None
        with self.changed:
            if goal is None or not rospy.get_param(SHIM + "enabled", True):
                self.plan = None
            else:
                self.plan, _ = smoothed_reference(
                    self.smoother, PASS_THROUGH, self.plan, now, self.measured, goal
                )
            self.taken_over = (now, caller)
            self.changed.notify_all()

    def taker(self, since: float) -> str:
        """Who else commanded the arm after `since`, or ""."""
        when, caller = self.taken_over
        return caller if when >= since else ""

    def on_estop_state(self, msg: Bool) -> None:
        self._estop_changed(self.estop.heard(msg.data, rospy.get_time()))

    def check_estop(self, _event) -> None:
        self._estop_changed(self.estop.check(rospy.get_time()))

    def _estop_changed(self, change) -> None:
        if change is not None:
            (rospy.logwarn if change.stopped else rospy.loginfo)("arm_controller: " + change.reason)
            with self.changed:
                if change.stopped:
                    self.plan = None  # the shim and the driver stop by themselves
                self.changed.notify_all()

    def stopped(self) -> str:
        """Why the e-stop stops the arm now, or ""."""
        now = rospy.get_time()
        return self.estop.reason(now) if self.estop.stopped(now) else ""

    def wait_state(self, timeout: float = 0.2) -> tuple[float, dict, dict]:
        """The next measurement (or the last one after `timeout`)."""
        with self.changed:
            self.changed.wait(timeout)
            return self.stamp, dict(self.measured), dict(self.velocity)

    # Output --------------------------------------------------------------------------------
    def send(self, goal: Goal) -> Callable:
        """Publish the goal to the shim; the reference it will follow, as the shim plans it."""
        now = rospy.get_time()
        enabled = rospy.get_param(SHIM + "enabled", True)
        mode = rospy.get_param(SHIM + "mode", PASS_THROUGH)
        with self.changed:
            if enabled:
                self.plan, reference = smoothed_reference(
                    self.smoother, mode if mode in MODES else PASS_THROUGH, self.plan, now,
                    self.measured, goal,
                )  # fmt: skip
            else:
                self.plan, reference = None, linear_reference(self.joints, now, self.measured, goal)
        points = [
            JointTrajectoryPoint(positions=list(p), time_from_start=rospy.Duration(t))
            for t, p in zip(goal.times, goal.points, strict=True)
        ]
        self.output.publish(JointTrajectory(joint_names=list(goal.names), points=points))
        return reference

    def move(self, positions: dict[str, float]) -> Callable:
        """One point, as fast as the limits allow, through the shim."""
        names = tuple(positions)
        return self.send(Goal(names, (0.0,), (tuple(positions.values()),), {}, {}, 0.0))

    def brake(self, names) -> None:
        """Stop smoothly: to where the shim's motion (or the measured one) comes to rest."""
        now = rospy.get_time()
        with self.changed:
            if self.plan is not None and now < self.plan.end:
                positions, velocities = self.plan.sample(now)
                state = dict(zip(self.plan.names, positions, strict=True))
                speed = dict(zip(self.plan.names, velocities, strict=True))
            else:
                state, speed = dict(self.measured), dict(self.velocity)
        stop, duration = stopping_point(
            {n: state[n] for n in names if n in state}, speed, self.joints,
            self.smoother.max_acceleration,
        )  # fmt: skip
        if stop:  # timed as the brake, so the shim blends straight down to rest
            self.send(Goal(tuple(stop), (duration,), (tuple(stop.values()),), {}, {}, 0.0))

    def hold(self) -> None:
        """Stop at once and hold where the arm is measured."""
        self.output.publish(JointTrajectory())  # the shim stops at once
        with self.changed:
            self.plan, here = None, dict(self.measured)
        if here:
            self.move(here)

    # FollowJointTrajectory -----------------------------------------------------------------
    def follow(self, request) -> None:
        trajectory = request.trajectory

        def result(code: int, reason: str) -> FollowJointTrajectoryResult:
            return FollowJointTrajectoryResult(error_code=code, error_string=reason)

        try:
            goal = parse_goal(
                trajectory.joint_names,
                [(p.time_from_start.to_sec(), p.positions) for p in trajectory.points],
                [(t.name, t.position, t.velocity) for t in request.path_tolerance],
                [(t.name, t.position, t.velocity) for t in request.goal_tolerance],
                request.goal_time_tolerance.to_sec(),
                self.joints,
                self.defaults,
            )
        except GoalRefused as error:
            rospy.logerr("trajectory goal refused, nothing moves: %s", error)
            self.arm.set_aborted(result(error.code, str(error)), str(error))
            return
        if why := self.stopped():
            self.arm.set_aborted(result(PATH_TOLERANCE_VIOLATED, why), why)
            return
        start = rospy.get_time()
        monitor = GoalMonitor(goal, start, self.send(goal))
        feedback = FollowJointTrajectoryFeedback(joint_names=list(goal.names))
        while not rospy.is_shutdown():
            now, positions, velocities = self.wait_state()
            if why := self.stopped():
                reason = f"{why}: the arm stopped where it was"
                self.arm.set_aborted(result(PATH_TOLERANCE_VIOLATED, reason), reason)
                return
            if caller := self.taker(start):
                reason = f"{caller} commanded the arm: this goal gave way"
                self.arm.set_aborted(result(PATH_TOLERANCE_VIOLATED, reason), reason)
                return
            if self.arm.is_preempt_requested():
                if self.arm.is_new_goal_available():
                    reason = "preempted by a new goal, which carries on from this motion"
                else:
                    self.brake(goal.names)
                    reason = "cancelled: braking smoothly to a stop"
                self.arm.set_preempted(result(0, reason), reason)
                return
            verdict = monitor.check(now, positions, velocities)
            self._feedback(feedback, monitor, now, positions)
            if verdict is not None:
                if verdict.succeeded:
                    self.arm.set_succeeded(result(verdict.code, verdict.reason), verdict.reason)
                else:
                    self.hold()
                    rospy.logwarn("trajectory goal aborted: %s", verdict.reason)
                    self.arm.set_aborted(result(verdict.code, verdict.reason), verdict.reason)
                return

    def _feedback(self, feedback, monitor: GoalMonitor, now: float, positions) -> None:
        desired = monitor.reference.sample(now)
        names = feedback.joint_names
        feedback.header.stamp = rospy.Time.from_sec(now)
        feedback.desired.positions = [desired[n] for n in names]
        feedback.actual.positions = [positions[n] for n in names]
        feedback.error.positions = [positions[n] - desired[n] for n in names]
        self.arm.publish_feedback(feedback)


def main() -> None:
    rospy.init_node("arm_controller")
    controller = ArmController()
    controller.start()
    gripper = GripperServer(controller)
    services = PoseServices(controller, ARM_ACTION)
    rospy.loginfo("arm actions ready: %s, %s", ARM_ACTION, gripper.name)
    services.go_to_rest_on_start()
    rospy.spin()
