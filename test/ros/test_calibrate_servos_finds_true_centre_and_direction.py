"""Servo calibration in simulation, driven through stdin as a user looking at the arm would: the
simulated wrist servo is centred 10 us off config/servos.yaml, turns the other way and 2 % less
per microsecond, the claw's centre is 60 us off and it turns 5 % more; before calibration a
commanded angle is not the true one. `calibrate_servos` is answered from the simulated arm's true
angles (sim/arm/true_joints) and writes centres within a couple of microseconds of the truth, us
per radian within 1 % and the wrist's reversed direction; after a restart the servo driver puts
the joints where they are commanded.
"""

from __future__ import annotations

import shutil
import time

import pytest
import yaml
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import Recorder, wait_for
from fixtures.piped import PipedTool
from fixtures.servo import move
from fixtures.servo_calibration import NOMINAL, Truth, play_the_user

from terry.paths import package_file

ERROR = {"arm_wrist": 10.0, "arm_claw": 60.0}  # us, the simulated servos' true centres off
SCALE = {"arm_wrist": 0.98, "arm_claw": 1.05}  # their true us per radian over the file's
REVERSED = ["arm_wrist"]


@pytest.fixture
def arm(rospy_node, roslaunch, tmp_path):
    from sensor_msgs.msg import JointState
    from trajectory_msgs.msg import JointTrajectory

    calibration = tmp_path / "servos.yaml"
    shutil.copy(package_file("config", "servos.yaml"), calibration)
    fresh_estop(rospy_node)
    roslaunch("safety.launch")
    roslaunch(
        "servo_driver.launch",
        sim="true",
        calibration=calibration,
        sim_centre_error="{" + ", ".join(f"{j}: {e}" for j, e in ERROR.items()) + "}",
        sim_scale_error="{" + ", ".join(f"{j}: {s}" for j, s in SCALE.items()) + "}",
        sim_reversed="[" + ", ".join(REVERSED) + "]",
    )
    states = Recorder("/joint_states", JointState, accept=lambda m: "arm_claw" in m.name)
    commands = rospy_node.Publisher("/arm/joint_command", JointTrajectory, queue_size=10)
    truth = Truth()
    states.wait_count(1, timeout=60)
    wait_released(rospy_node)
    yield commands, truth, calibration, states
    for closing in (states, truth.recorder):
        closing.close()
    commands.unregister()


def true_angles_after(commands, states, truth: Truth, **angles: float) -> dict[str, float]:
    """Command the joints until the driver reports them there and they stand still; their true
    angles."""

    def settled() -> bool:
        commands.publish(move(0.3, **angles))
        last = states.snapshot()[-1]
        reported = dict(zip(last.name, last.position, strict=True))
        first = {j: truth.fresh(j) for j in angles}
        there = all(abs(reported[j] - a) < 0.003 for j, a in angles.items())
        return there and all(abs(truth.fresh(j) - first[j]) < 1e-4 for j in angles)

    wait_for(settled, 30, "the joints to settle")
    return {j: truth.fresh(j) for j in angles}


def test_stdin_calibration_finds_the_true_centres_and_the_driver_uses_them(
    arm, process_group, ros_process
):
    commands, truth, calibration, states = arm
    before = true_angles_after(commands, states, truth, arm_wrist=0.3, arm_claw=0.4)
    wrist, claw = (NOMINAL[j]["us_per_rad"] * SCALE[j] for j in ("arm_wrist", "arm_claw"))
    assert before["arm_wrist"] == pytest.approx(-(0.3 * 636.6 - 10) / wrist, abs=0.003), "reversed"
    assert before["arm_claw"] == pytest.approx((0.4 * 1000 - 60) / claw, abs=0.003), "centre off"

    args = ["--calibration", str(calibration), "--joints", "arm_wrist,arm_claw"]
    tool = PipedTool("terry.bringup.calibrate_servos", args, process_group.env)
    try:
        play_the_user(tool, truth)
        assert tool.popen.wait(30) == 0, tool.report()
    finally:
        tool.close()
    written = yaml.safe_load(calibration.read_text())["joints"]
    report = tool.report()
    for joint, error in ERROR.items():
        true_centre = NOMINAL[joint]["center_us"] + error
        assert written[joint]["center_us"] == pytest.approx(true_centre, abs=2.0), report
        true_scale = NOMINAL[joint]["us_per_rad"] * SCALE[joint]
        assert written[joint]["us_per_rad"] == pytest.approx(true_scale, rel=0.01), report
    assert written["arm_wrist"]["direction"] == -NOMINAL["arm_wrist"]["direction"]
    assert written["arm_claw"]["direction"] == NOMINAL["arm_claw"]["direction"]
    assert {j: written[j] for j in NOMINAL if j not in ERROR} == {
        j: v for j, v in NOMINAL.items() if j not in ERROR
    }, "the other joints are kept"
    assert calibration.read_text().startswith("# The arm's servos"), "the header is kept"

    kill = ros_process("rosnode", "kill", "/servo_driver")
    assert kill.wait(30) == 0, kill.output()
    time.sleep(1.0)  # the killed driver's last messages are in
    states.clear()
    states.wait_count(5, timeout=60)  # from the respawned driver
    after = true_angles_after(commands, states, truth, arm_wrist=0.3, arm_claw=0.4)
    assert after["arm_wrist"] == pytest.approx(0.3, abs=0.004), "the driver uses the new file"
    assert after["arm_claw"] == pytest.approx(0.4, abs=0.004)
