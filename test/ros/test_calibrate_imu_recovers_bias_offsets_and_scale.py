"""IMU calibration in simulation: the simulated MPU-6050 (the real firmware's host build) has an
injected gyro bias, accelerometer offsets and scale errors; without calibration the imu node's
/imu/data_raw shows them at rest; `calibrate_imu --sim` poses the simulated IMU six ways, fits
values within a few percent of the injected ones and writes them; the imu node restarted with
that file publishes near-zero rates and gravity's true length at rest, with no rest calibration.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from fixtures.harness import Recorder

GYRO_BIAS = [0.03, -0.02, 0.015]  # rad/s
ACCEL_OFFSET = [0.25, -0.3, 0.4]  # m/s^2
ACCEL_SCALE = [1.04, 0.97, 1.02]
GRAVITY = 9.80665


def yaml_list(values: list[float]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def rest(recorder, count: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Mean accel and gyro over `count` fresh samples."""
    recorder.clear()
    window = recorder.wait_count(count, timeout=30)[-count:]
    accel = np.mean(
        [
            [m.linear_acceleration.x, m.linear_acceleration.y, m.linear_acceleration.z]
            for m in window
        ],
        axis=0,
    )
    gyro = np.mean(
        [[m.angular_velocity.x, m.angular_velocity.y, m.angular_velocity.z] for m in window], axis=0
    )
    return accel, gyro


def test_calibration_recovers_the_injected_errors_and_the_node_then_reads_true(
    rospy_node, ros_process, run_dir, tmp_path
):
    from sensor_msgs.msg import Imu

    link, calibration = run_dir / "imu", tmp_path / "imu.yaml"
    ros_process(
        "rosrun", "terry", "sim_imu", f"_link:={link}",
        "_roll:=0.0", "_pitch:=0.0",  # level, whatever an earlier test left on the master
        f"_gyro_bias:={yaml_list(GYRO_BIAS)}",
        f"_accel_offset:={yaml_list(ACCEL_OFFSET)}",
        f"_accel_scale:={yaml_list(ACCEL_SCALE)}",
    )  # fmt: skip
    node = ros_process(
        "rosrun", "terry", "imu", f"_port:={link}", f"_calibration:={calibration}",
        "_calibrate_at_rest:=false",
    )  # fmt: skip
    raw = Recorder("/imu/data_raw", Imu)
    try:
        accel, gyro = rest(raw)
        assert gyro == pytest.approx(GYRO_BIAS, abs=0.002), "uncalibrated: the bias shows"
        assert accel[2] == pytest.approx(ACCEL_SCALE[2] * GRAVITY + ACCEL_OFFSET[2], abs=0.02)

        tool = ros_process(
            "python", "-m", "terry.bringup.calibrate_imu", "--sim", "--output", str(calibration)
        )
        assert tool.wait(120) == 0, tool.output()
        written = yaml.safe_load(calibration.read_text())
        assert written["gyro_bias"] == pytest.approx(GYRO_BIAS, rel=0.03), tool.output()
        assert written["accel_offset"] == pytest.approx(ACCEL_OFFSET, rel=0.03), tool.output()
        assert written["accel_scale"] == pytest.approx(ACCEL_SCALE, rel=0.003), tool.output()

        node.stop()  # the imu node loads its calibration when it starts
        ros_process("rosrun", "terry", "imu", f"_port:={link}", f"_calibration:={calibration}")
        accel, gyro = rest(raw)
        assert max(abs(gyro)) < 0.001, f"near-zero rates at rest with the calibration: {gyro}"
        assert accel == pytest.approx([0.0, 0.0, GRAVITY], abs=0.02), "level, gravity's length"
        assert math.hypot(*accel) == pytest.approx(GRAVITY, rel=0.002)
    finally:
        raw.close()
