"""Odometry calibration in simulation: base_controller starts with a deliberately wrong wheel
radius and separation in its calibration file (the simulated world keeps the URDF's true ones),
so /odom disagrees with the world's truth; `calibrate_odom --sim` drives and turns, reads
/sim/ground_truth, and writes values within a few percent of the truth; after a restart
base_controller uses them and /odom agrees with the truth. By hand (no --sim, driving there and
back, --dry-run), a user typing what a tape measure and floor marks say gets the same values.
"""

from __future__ import annotations

import itertools
import math
import re

import pytest
import yaml
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import Recorder, wait_for
from fixtures.piped import PipedTool
from fixtures.publishers import Driver

from terry.model import drive_geometry, load_robot

TRUE = drive_geometry(load_robot())
WRONG = {"wheel_radius": TRUE.wheel_radius * 1.2, "wheel_separation": TRUE.wheel_separation * 0.85}


def pose(msg) -> tuple[float, float, float]:
    p, q = msg.pose.pose.position, msg.pose.pose.orientation
    return p.x, p.y, math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z))


def turned(a: float, b: float) -> float:
    return math.atan2(math.sin(a - b), math.cos(a - b))


@pytest.fixture
def base(rospy_node, roslaunch, tmp_path):
    from nav_msgs.msg import Odometry

    calibration = tmp_path / "odometry.yaml"
    calibration.write_text(yaml.safe_dump(WRONG))
    fresh_estop(rospy_node)
    launches = [
        roslaunch("safety.launch"),
        roslaunch("base.launch", sim="true", obstacle_guard="false", calibration=calibration),
        roslaunch("sim_world.launch"),
    ]
    odom, truth = Recorder("/odom", Odometry), Recorder("/sim/ground_truth", Odometry)
    for recorder in (odom, truth):
        wait_for(lambda r=recorder: r.messages, 60, f"first {recorder.topic}")
    assert all(launch.alive for launch in launches)
    wait_released(rospy_node)
    yield rospy_node, odom, truth, calibration
    odom.close()
    truth.close()


def drive(rospy, odom, truth, linear: float, angular: float, until) -> tuple[tuple, tuple]:
    """Drive until `until(odom pose change)` holds, stop, return the (odom, truth) changes."""
    odom_start, truth_start = pose(odom.snapshot()[-1]), pose(truth.snapshot()[-1])
    driver = Driver(rospy, linear, angular)

    def change() -> tuple[float, float]:
        x, y, yaw = pose(odom.snapshot()[-1])
        return math.hypot(x - odom_start[0], y - odom_start[1]), turned(yaw, odom_start[2])

    wait_for(lambda: until(*change()), 30, "the base to get there")
    driver.stop()
    wait_for(lambda: odom.snapshot()[-1].twist.twist.linear.x == 0.0, 15, "the base to stop")
    wait_for(lambda: odom.snapshot()[-1].twist.twist.angular.z == 0.0, 15, "the base to stop")
    rospy.sleep(0.5)  # the world's truth comes at 10 Hz
    x, y, yaw = pose(truth.snapshot()[-1])
    true = math.hypot(x - truth_start[0], y - truth_start[1]), turned(yaw, truth_start[2])
    return change(), true


def measure_by_hand(tool: PipedTool, truth) -> None:
    """Answer the tool's questions as a user with a tape measure and floor marks would: from the
    world's truth since the run began."""
    import rospy

    since = 0
    while (line := tool.next_line()) is not None:
        if re.match(r"(driving|turning) [+-]", line):
            since = len(truth.snapshot())
        elif line.startswith("How far"):
            asked = rospy.Time.now()  # the robot stands still: a pose of the world's since then
            wait_for(lambda t=asked: truth.snapshot()[-1].header.stamp > t, 30, "a fresh true pose")
            poses = [pose(m) for m in truth.snapshot()[max(0, since - 1) :]]
            if "drive" in line:
                (x0, y0, _), (x1, y1, _) = poses[0], poses[-1]
                tool.answer(f"{math.hypot(x1 - x0, y1 - y0):.4f}")
            else:
                turn = sum(turned(b[2], a[2]) for a, b in itertools.pairwise(poses))
                tool.answer(f"{abs(math.degrees(turn)):.2f}")


def test_calibration_recovers_the_true_geometry_and_odometry_then_agrees(
    base, ros_process, process_group
):
    rospy, odom, truth, calibration = base
    args = ["--dry-run", "--runs", "2", "--distance", "0.5", "--turns", "1"]
    args += ["--output", str(calibration)]
    tool = PipedTool("terry.bringup.calibrate_odom", args, process_group.env)
    try:
        measure_by_hand(tool, truth)
        assert tool.popen.wait(30) == 0, tool.report()
    finally:
        tool.close()
    for name, label in (("wheel_radius", "wheel radius"), ("wheel_separation", "separation")):
        true = getattr(TRUE, name)
        measured = re.search(rf"^{label}: measured ([0-9.]+) m", tool.report(), re.MULTILINE)
        assert measured and float(measured.group(1)) == pytest.approx(true, rel=0.03), tool.report()
    assert yaml.safe_load(calibration.read_text()) == WRONG, "--dry-run writes nothing"

    (believed, _), (true, _) = drive(rospy, odom, truth, 0.2, 0.0, lambda d, _: d > 0.4)
    assert believed == pytest.approx(true * 1.2, rel=0.05), "the wrong radius shows in /odom"

    tool = ros_process(
        "python", "-m", "terry.bringup.calibrate_odom", "--sim", "--output", str(calibration)
    )
    assert tool.wait(120) == 0, tool.output()
    written = yaml.safe_load(calibration.read_text())
    assert written["wheel_radius"] == pytest.approx(TRUE.wheel_radius, rel=0.03), tool.output()
    assert written["wheel_separation"] == pytest.approx(TRUE.wheel_separation, rel=0.03)

    kill = ros_process("rosnode", "kill", "/base_controller")
    assert kill.wait(30) == 0, kill.output()
    odom.clear()  # the respawned controller's odometry starts again at 0
    wait_for(lambda: odom.messages and abs(pose(odom.snapshot()[-1])[0]) < 1e-9, 60, "the restart")
    (believed, _), (true, _) = drive(rospy, odom, truth, 0.2, 0.0, lambda d, _: d > 0.4)
    assert believed == pytest.approx(true, rel=0.03), "odometry agrees with the truth"
    (_, believed_turn), (_, true_turn) = drive(
        rospy, odom, truth, 0.0, 0.8, lambda _, yaw: yaw > 1.2
    )
    assert believed_turn == pytest.approx(true_turn, rel=0.03), "turns agree with the truth"
