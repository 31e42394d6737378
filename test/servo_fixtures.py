"""The servo driver with a real master: launch/servo_driver.launch sim:=true (the simulated Maestro
on a pty in the test's run dir), /joint_states and /diagnostics recorded, publishers for
/arm/joint_command and /estop. Import `servo_arm` (the `arm` fixture) into a test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness import Recorder, wait_for

from terry.robot_model import ARM_JOINTS, load_robot

JOINTS = {name: load_robot().joint(name) for name in ARM_JOINTS}


def trajectory(*points: tuple[float, dict[str, float]]) -> Any:
    """A JointTrajectory from (time_from_start, {joint: position}) points."""
    import rospy
    from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

    names = list(points[0][1])
    return JointTrajectory(
        joint_names=names,
        points=[
            JointTrajectoryPoint(positions=[p[n] for n in names], time_from_start=rospy.Duration(t))
            for t, p in points
        ],
    )


def move(seconds: float, **positions: float) -> Any:
    """A one-point JointTrajectory."""
    return trajectory((seconds, positions))


def joint_of(msg: Any, joint: str = "arm_shoulder", field: str = "position") -> float:
    return dict(zip(msg.name, getattr(msg, field), strict=True))[joint]


def wait_quietly(predicate, timeout: float = 1.0) -> bool:
    try:
        return bool(wait_for(predicate, timeout))
    except AssertionError:
        return False


class ServoArm:
    """The running driver and simulated board, as a user sees them through ROS."""

    def __init__(self, rospy: Any, run_dir: Any) -> None:
        from diagnostic_msgs.msg import DiagnosticArray
        from sensor_msgs.msg import JointState
        from std_msgs.msg import Bool
        from trajectory_msgs.msg import JointTrajectory

        self.rospy = rospy
        self.link = str(run_dir / "maestro")
        self.states = Recorder("/joint_states", JointState, accept=lambda m: "arm_claw" in m.name)
        self.diagnostics = Recorder("/diagnostics", DiagnosticArray)
        self.commands = rospy.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
        self.estop = rospy.Publisher("/estop", Bool, queue_size=1, latch=True)

    def position(self, joint: str = "arm_shoulder") -> float:
        return joint_of(self.states.snapshot()[-1], joint)

    def at(self, value: float, joint: str = "arm_shoulder", tolerance: float = 0.005) -> bool:
        return bool(self.states.messages) and abs(self.position(joint) - value) < tolerance

    def go(self, value: float, joint: str = "arm_shoulder", timeout: float = 15.0) -> None:
        self.commands.publish(move(0.0, **{joint: value}))
        wait_for(lambda: self.at(value, joint), timeout, f"{joint} at {value}")

    def link_state(self) -> dict[str, str]:
        """The servo driver's latest diagnostics: message, level and key values."""
        status = self.diagnostics.wait_count(1, timeout=15)[-1].status[0]
        return {"message": status.message, "level": str(status.level)} | {
            kv.key: kv.value for kv in status.values
        }

    def wait_until_moving(self) -> None:
        """Until a command moves the arm (the first ones may come before the board answers)."""

        def answers() -> bool:
            self.commands.publish(move(0.1, arm_shoulder=0.2))
            return wait_quietly(lambda: self.at(0.2))

        self.states.wait_count(1, timeout=60)
        wait_for(answers, 60, "the driver moving the arm")

    def close(self) -> None:
        for recorder in (self.states, self.diagnostics):
            recorder.close()
        self.commands.unregister()
        self.estop.unregister()


@pytest.fixture(name="arm")
def servo_arm(rospy_node, roslaunch, run_dir) -> Iterator[ServoArm]:
    """servo_driver.launch sim:=true, the arm moving and resting with the shoulder at 0.2 rad."""
    roslaunch("servo_driver.launch", sim="true")
    arm = ServoArm(rospy_node, run_dir)
    try:
        arm.wait_until_moving()
        yield arm
    finally:
        arm.close()
