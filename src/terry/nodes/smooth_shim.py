"""The smoothing shim: /arm/smooth_command in, sinusoidally timed setpoints to /arm/joint_command.

Subscribes /arm/smooth_command (trajectory_msgs/JointTrajectory), /joint_states (seeds the
commanded state at start and after an e-stop) and /estop (std_msgs/Bool: true stops streaming at
once and refuses commands until false). While a smoothed motion runs it streams one-point
trajectories (time_from_start one period) to /arm/joint_command at ~rate Hz. Smoothing off:
commands are forwarded unchanged. Service /arm/smooth/set_enabled (std_srvs/SetBool) and the live
parameter ~enabled (re-read every cycle) switch it; ~mode is "stop" (rest at every waypoint) or
"through" (pass intermediate waypoints without stopping), also re-read for every command.
"""

from __future__ import annotations

import threading

import rospy
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from std_srvs.srv import SetBool, SetBoolResponse
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.robot_model import ARM_JOINTS, load_robot
from terry.servo_motion import TrajectoryError, parse_trajectory
from terry.smoothing import MODES, Motion, plan


class SmoothShim:
    def __init__(self) -> None:
        robot = load_robot()
        self.joints = {name: robot.joint(name) for name in ARM_JOINTS}
        self.period = 1.0 / float(rospy.get_param("~rate", 50.0))
        self.enabled = bool(rospy.get_param("~enabled", True))
        rospy.set_param("~enabled", self.enabled)
        self.motion: Motion | None = None  # None: no commanded state yet (seed from the arm)
        self.measured: dict[str, float] = {}
        self.estopped = False
        self._lock = threading.Lock()
        self.output = rospy.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
        rospy.Subscriber("/joint_states", JointState, self.on_states, queue_size=1)
        rospy.Subscriber("/estop", Bool, self.on_estop, queue_size=1)
        rospy.Subscriber("/arm/smooth_command", JointTrajectory, self.on_command, queue_size=30)
        rospy.Service("/arm/smooth/set_enabled", SetBool, self.on_set_enabled)
        rospy.Timer(rospy.Duration(self.period), self.step)

    def on_states(self, msg: JointState) -> None:
        with self._lock:
            for name, value in zip(msg.name, msg.position, strict=False):
                if name in self.joints:
                    self.measured[name] = value

    def on_estop(self, msg: Bool) -> None:
        with self._lock:
            if msg.data and not self.estopped:
                rospy.logwarn("e-stop: smoothing shim stopped streaming, commands refused")
            self.estopped = msg.data
            self.motion = None  # afterwards, start again from where the arm is

    def on_set_enabled(self, request) -> SetBoolResponse:
        rospy.set_param("~enabled", bool(request.data))
        with self._lock:
            self._switch(bool(request.data))
        state = "on" if request.data else "off (commands forwarded as they are)"
        return SetBoolResponse(True, f"smoothing {state}")

    def _switch(self, enabled: bool) -> None:
        if enabled != self.enabled:
            rospy.loginfo("smoothing %s", "on" if enabled else "off")
            self.enabled = enabled
            self.motion = None  # the shim no longer knows (or stops owning) the commanded state

    def on_command(self, msg: JointTrajectory) -> None:
        try:
            points = parse_trajectory(
                msg.joint_names,
                [(p.time_from_start.to_sec(), p.positions) for p in msg.points],
                self.joints,
            )
        except TrajectoryError as error:
            rospy.logerr("smooth_command refused, nothing sent: %s", error)
            return
        with self._lock:
            if self.estopped:
                rospy.logerr("smooth_command refused: e-stop is engaged (publish false on /estop)")
                return
            self._switch(bool(rospy.get_param("~enabled", self.enabled)))
            if not self.enabled or not points:  # pass-through; an empty trajectory stops
                self.motion = None
                self.output.publish(msg)
                return
            mode = rospy.get_param("~mode", "stop")
            if mode not in MODES:
                rospy.logerr("~mode must be one of %s, got %r; using 'stop'", MODES, mode)
                mode = "stop"
            now = rospy.get_time()
            state = self._state(now)
            if state is None:
                rospy.logerr("smooth_command refused: no /joint_states yet (is the driver up?)")
                return
            positions, velocities, hold = state
            self.motion = plan(self.joints, positions, velocities, points, now, mode, hold)
        self.step()

    def _state(self, now: float):
        """Commanded positions, velocities, resting targets now; from the arm if not known."""
        if self.motion is not None:
            positions, velocities = self.motion.sample(now)
            return positions, velocities, self.motion.rest
        if set(self.measured) != set(self.joints):
            return None
        return dict(self.measured), dict.fromkeys(self.joints, 0.0), dict(self.measured)

    def step(self, _event=None) -> None:
        with self._lock:
            self._switch(bool(rospy.get_param("~enabled", self.enabled)))
            if self.estopped or self.motion is None or not self.enabled:
                return
            now = rospy.get_time()
            if self.motion.done(now - self.period):  # the final setpoint went out last cycle
                return
            positions, velocities = self.motion.sample(now + self.period)
        names = list(positions)
        point = JointTrajectoryPoint(
            positions=[positions[n] for n in names],
            velocities=[velocities[n] for n in names],
            time_from_start=rospy.Duration(self.period),
        )
        self.output.publish(
            JointTrajectory(
                header=rospy.Header(stamp=rospy.Time.now()), joint_names=names, points=[point]
            )
        )


def main() -> None:
    rospy.init_node("smooth_shim")
    SmoothShim()
    rospy.spin()
