"""The servo driver executes /arm/joint_command on the simulated Maestro: from the command line,
each point at its time_from_start, a new trajectory taking over from where the arm is, and a
command that arrives before the board answers carried out once it does."""

from __future__ import annotations

import itertools

from fixtures.estop import fresh_estop
from fixtures.harness import Recorder, wait_for
from fixtures.servo import joint_of, move, trajectory


def crossing(samples: list[tuple[float, float]], value: float) -> float:
    """When the samples (stamp, position) first pass `value`, interpolated between two."""
    for (t0, p0), (t1, p1) in itertools.pairwise(samples):
        if p0 != p1 and min(p0, p1) <= value <= max(p0, p1):
            return t0 + (t1 - t0) * (value - p0) / (p1 - p0)
    raise AssertionError(f"never passed {value}: {samples}")


def test_rostopic_pub_trajectory_moves_the_servo(arm, ros_process):
    command = ros_process(
        "rostopic", "pub", "-1", "/arm/joint_command", "trajectory_msgs/JointTrajectory",
        "{joint_names: [arm_shoulder], points: [{positions: [1.0], time_from_start: {secs: 1}}]}",
    )  # fmt: skip
    assert command.wait(60) == 0, command.output()
    wait_for(lambda: arm.at(1.0), 15, "shoulder at 1.0 rad")


def test_each_point_is_reached_at_its_time_from_start(arm):
    """0.2 -> 0.6 rad in 1 s, then -> 1.0 rad in 0.5 s more: 0.4 then 0.8 rad/s, both well
    under the velocity limit, so the times, not the limit, set the pace."""
    arm.states.clear()
    arm.commands.publish(trajectory((1.0, {"arm_shoulder": 0.6}), (1.5, {"arm_shoulder": 1.0})))
    wait_for(lambda: arm.at(1.0), 15, "shoulder at 1.0 rad")
    samples = [(m.header.stamp.to_sec(), joint_of(m)) for m in arm.states.snapshot()]
    first = crossing(samples, 0.5) - crossing(samples, 0.3)  # 0.2 rad at 0.4 rad/s
    second = crossing(samples, 0.9) - crossing(samples, 0.7)  # 0.2 rad at 0.8 rad/s
    assert abs(first - 0.5) < 0.12, (first, second)  # ignoring the times: 0.1 s
    assert abs(second - 0.25) < 0.12, (first, second)
    during = [
        joint_of(m, field="velocity") for m in arm.states.snapshot() if 0.72 < joint_of(m) < 0.88
    ]
    assert abs(sorted(during)[len(during) // 2] - 0.8) < 0.15, during  # /joint_states velocity


def test_new_trajectory_mid_motion_continues_from_where_the_arm_is(arm):
    """Up at 0.9 rad/s, then mid-way 'back to 0 in 1 s': the arm turns back at once and comes
    down at (where it was) / 1 s. Starting from the old target (2.0) would be twice as fast,
    starting from anywhere else would jump, and the board's own speed limit would hide a jump
    but not the timing."""
    arm.commands.publish(move(2.0, arm_shoulder=2.0))
    wait_for(lambda: arm.position() > 0.8, 15, "the arm on its way")
    arm.states.clear()
    arm.states.wait_count(1)
    switch = arm.position()
    arm.commands.publish(move(1.0, arm_shoulder=0.0))
    wait_for(lambda: arm.at(0.0), 15, "the new target")
    samples = [(m.header.stamp.to_sec(), joint_of(m)) for m in arm.states.snapshot()]
    assert max(p for _, p in samples) < switch + 0.15, (switch, samples)  # turned back at once
    descent = crossing(samples, 0.25 * switch) - crossing(samples, 0.75 * switch)
    assert abs(descent - 0.5) < 0.12, (switch, descent)  # half the way in half the time


def test_command_sent_before_the_board_answers_is_carried_out_once_it_does(
    rospy_node, ros_process, roslaunch, run_dir
):
    from diagnostic_msgs.msg import DiagnosticArray
    from sensor_msgs.msg import JointState
    from trajectory_msgs.msg import JointTrajectory

    link = str(run_dir / "maestro")
    fresh_estop(rospy_node)
    roslaunch("safety.launch")
    diagnostics = Recorder(
        "/diagnostics", DiagnosticArray, accept=lambda m: m.status[0].name.startswith("servo_")
    )
    ros_process("rosrun", "terry", "servo_driver", f"_port:={link}", "_reconnect_period:=0.3")
    states = Recorder("/joint_states", JointState, accept=lambda m: "arm_claw" in m.name)
    early = rospy_node.Publisher("/arm/joint_command", JointTrajectory, queue_size=1, latch=True)
    try:
        wait_for(  # no board yet, but the e-stop's release heard
            lambda: any(
                kv.key == "estop" and kv.value == "False"
                for m in diagnostics.snapshot()
                for kv in m.status[0].values
            ),
            60,
            "the driver hearing the e-stop released",
        )
        early.publish(move(0.5, arm_shoulder=0.9))
        wait_for(lambda: early.get_num_connections() > 0, 30, "the driver subscribed")
        rospy_node.sleep(1.0)  # the driver has the command but no board yet
        assert not states.messages
        ros_process("rosrun", "terry", "sim_maestro", f"_link:={link}")
        wait_for(
            lambda: states.messages and abs(joint_of(states.messages[-1]) - 0.9) < 0.005,
            30,
            "the early command carried out",
        )
    finally:
        early.unregister()
        states.close()
        diagnostics.close()
