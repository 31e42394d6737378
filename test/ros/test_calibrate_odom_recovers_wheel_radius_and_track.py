"""Odometry calibration in simulation: base_controller starts with a deliberately wrong wheel
radius and separation in its calibration file (the simulated world keeps the URDF's true ones),
so /odom disagrees with the world's truth; `calibrate_odom --sim` drives and turns, reads
/sim/ground_truth, and writes values within a few percent of the truth; after a restart
base_controller uses them and /odom agrees with the truth.
"""

from __future__ import annotations

import math

import pytest
import yaml
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import Recorder, wait_for
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


def test_calibration_recovers_the_true_geometry_and_odometry_then_agrees(base, ros_process):
    rospy, odom, truth, calibration = base
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
