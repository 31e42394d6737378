"""The servo driver node with a real master and the simulated Maestro on a pty: commands from
the command line, replacement mid-motion, e-stop, relax, bad input, and unplug/replug."""

from __future__ import annotations

import itertools

import pytest
from diagnostic_msgs.msg import DiagnosticArray
from harness import Recorder, wait_for
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from terry.robot_model import load_robot

VELOCITY = load_robot().joint("arm_shoulder").velocity


def trajectory(seconds: float, **positions: float) -> JointTrajectory:
    import rospy

    point = JointTrajectoryPoint(
        positions=list(positions.values()), time_from_start=rospy.Duration(seconds)
    )
    return JointTrajectory(joint_names=list(positions), points=[point])


def has_arm_joints(msg: JointState) -> bool:
    return "arm_shoulder" in msg.name


def position(states: Recorder, joint: str) -> float:
    last = states.snapshot()[-1]
    return dict(zip(last.name, last.position, strict=True))[joint]


def settled_at(states: Recorder, joint: str, value: float, tolerance: float = 0.005) -> bool:
    return bool(states.messages) and abs(position(states, joint) - value) < tolerance


class Arm:
    def __init__(self, rospy, ros_process, run_dir):
        self.link = str(run_dir / "maestro")
        self.ros_process = ros_process
        self.board = self.plug_in()
        ros_process("rosrun", "terry", "servo_driver", f"_port:={self.link}")
        self.states = Recorder("/joint_states", JointState, accept=has_arm_joints)
        self.diagnostics = Recorder("/diagnostics", DiagnosticArray)
        self.commands = rospy.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
        self.estop = rospy.Publisher("/estop", Bool, queue_size=1, latch=True)
        self.states.wait_count(1, timeout=60)

        def answers() -> bool:  # the first command after connecting may be lost: repeat it
            self.commands.publish(trajectory(0.1, arm_shoulder=0.2))
            return bool(wait_for_quietly(lambda: settled_at(self.states, "arm_shoulder", 0.2)))

        wait_for(answers, 60, "the driver moving the arm")

    def plug_in(self):
        return self.ros_process("rosrun", "terry", "sim_maestro", f"_link:={self.link}")

    def status(self):
        return self.diagnostics.wait_count(1)[-1].status[0]


def wait_for_quietly(predicate, timeout: float = 1.0) -> bool:
    try:
        return wait_for(predicate, timeout)
    except AssertionError:
        return False


@pytest.fixture
def arm(rospy_node, ros_process, run_dir):
    arm = Arm(rospy_node, ros_process, run_dir)
    yield arm
    for recorder in (arm.states, arm.diagnostics):
        recorder.close()
    arm.commands.unregister()
    arm.estop.unregister()


def test_rostopic_pub_trajectory_moves_the_servo(arm, ros_process):
    command = ros_process(
        "rostopic", "pub", "-1", "/arm/joint_command", "trajectory_msgs/JointTrajectory",
        "{joint_names: [arm_shoulder], points: [{positions: [1.0], time_from_start: {secs: 1}}]}",
    )  # fmt: skip
    assert command.wait(60) == 0, command.output()
    wait_for(lambda: settled_at(arm.states, "arm_shoulder", 1.0), 15, "shoulder at 1.0 rad")


def test_new_trajectory_mid_motion_continues_from_where_the_arm_is(arm, rospy_node):
    arm.commands.publish(trajectory(2.0, arm_shoulder=2.0))
    wait_for(lambda: position(arm.states, "arm_shoulder") > 0.8, 15, "the arm on its way")
    arm.states.clear()
    arm.states.wait_count(1)
    arm.commands.publish(trajectory(1.0, arm_shoulder=0.0))
    wait_for(lambda: settled_at(arm.states, "arm_shoulder", 0.0), 15, "the new target")
    samples = [(m.header.stamp.to_sec(), position_of(m)) for m in arm.states.snapshot()]
    steps = [abs(b[1] - a[1]) / max(b[0] - a[0], 1e-3) for a, b in itertools.pairwise(samples)]
    assert max(steps) < VELOCITY * 1.5, max(steps)  # no jump, never beyond the velocity limit


def position_of(msg: JointState, joint: str = "arm_shoulder") -> float:
    return dict(zip(msg.name, msg.position, strict=True))[joint]


def test_estop_stops_holds_and_refuses_until_released(arm, rospy_node):
    arm.commands.publish(trajectory(3.0, arm_shoulder=2.2))
    wait_for(lambda: position(arm.states, "arm_shoulder") > 0.6, 15, "the arm on its way")
    arm.estop.publish(Bool(True))
    rospy_node.sleep(0.5)
    held = position(arm.states, "arm_shoulder")
    assert held < 2.0
    arm.commands.publish(trajectory(0.5, arm_shoulder=-0.3))
    rospy_node.sleep(1.5)
    assert abs(position(arm.states, "arm_shoulder") - held) < 0.01
    arm.estop.publish(Bool(False))
    rospy_node.sleep(0.3)
    arm.commands.publish(trajectory(0.5, arm_shoulder=-0.3))
    wait_for(lambda: settled_at(arm.states, "arm_shoulder", -0.3), 15, "moving after release")


def test_relax_makes_the_servos_limp(arm, rospy_node):
    from std_srvs.srv import Trigger

    rospy_node.wait_for_service("/arm/relax", 30)
    answer = rospy_node.ServiceProxy("/arm/relax", Trigger)()
    assert answer.success, answer.message
    wait_for(lambda: arm.status().message == "limp", 10, "diagnostics saying limp")
    arm.commands.publish(trajectory(0.5, arm_shoulder=0.5))  # a command brings the torque back
    wait_for(lambda: settled_at(arm.states, "arm_shoulder", 0.5), 15, "moving again")


@pytest.mark.parametrize(
    "bad",
    [
        {"arm_knee": 0.5},
        {"arm_shoulder": 3.5},
        {"arm_shoulder": float("nan")},
    ],
    ids=["unknown-joint", "beyond-limit", "nan"],
)
def test_bad_trajectory_moves_nothing(arm, rospy_node, bad):
    before = arm.states.snapshot()[-1].position
    arm.commands.publish(trajectory(0.5, **bad))
    rospy_node.sleep(1.5)
    after = arm.states.snapshot()[-1].position
    assert max(abs(a - b) for a, b in zip(before, after, strict=True)) < 1e-3


def test_unplugged_board_is_reported_and_reconnected_without_restart(arm):
    arm.board.stop()
    wait_for(lambda: arm.status().values[1].value == "False", 15, "diagnostics: disconnected")
    assert "unplugged" in arm.status().message or "cannot open" in arm.status().message
    arm.board = arm.plug_in()
    wait_for(lambda: arm.status().values[1].value == "True", 20, "diagnostics: reconnected")
    reconnects = {kv.key: kv.value for kv in arm.status().values}["reconnects"]
    assert reconnects == "1"
    arm.commands.publish(trajectory(0.5, arm_shoulder=1.1))
    wait_for(lambda: settled_at(arm.states, "arm_shoulder", 1.1), 15, "moving after replug")


def test_command_sent_before_the_board_answers_is_carried_out_once_it_does(
    rospy_node, ros_process, run_dir
):
    link = str(run_dir / "maestro")
    ros_process("rosrun", "terry", "servo_driver", f"_port:={link}", "_reconnect_period:=0.3")
    states = Recorder("/joint_states", JointState, accept=has_arm_joints)
    early = rospy_node.Publisher("/arm/joint_command", JointTrajectory, queue_size=1, latch=True)
    try:
        early.publish(trajectory(0.5, arm_shoulder=0.9))
        wait_for(lambda: early.get_num_connections() > 0, 30, "the driver subscribed")
        rospy_node.sleep(1.0)  # the driver has the command but no board yet
        assert not states.messages
        ros_process("rosrun", "terry", "sim_maestro", f"_link:={link}")
        wait_for(lambda: settled_at(states, "arm_shoulder", 0.9), 30, "the early command done")
    finally:
        early.unregister()
        states.close()
