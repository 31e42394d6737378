"""The simulated base board's battery reaches /battery and /diagnostics through the real base
controller; a low battery slows the base to its scaled limit, and a critical one relaxes the real
servo driver's arm and parks the Kinect (pan/velocity 0, tilt/command 0)."""

from __future__ import annotations

import statistics
import time

import pytest
from fixtures.estop import fresh_estop, wait_released
from fixtures.harness import Recorder, wait_for


def base_battery(msg) -> bool:
    return msg.status[0].name == "base battery"


@pytest.fixture
def battery_topics(rospy_node):
    from diagnostic_msgs.msg import DiagnosticArray
    from sensor_msgs.msg import BatteryState

    recorders = (
        Recorder("/battery", BatteryState),
        Recorder("/diagnostics", DiagnosticArray, accept=base_battery),
    )
    yield recorders
    for recorder in recorders:
        recorder.close()


def test_a_low_battery_is_published_and_slows_the_base(rospy_node, roslaunch, battery_topics):
    from geometry_msgs.msg import Twist, Vector3
    from nav_msgs.msg import Odometry

    battery, diagnostics = battery_topics
    odom = Recorder("/odom", Odometry)
    fresh_estop(rospy_node)
    roslaunch("safety.launch")
    roslaunch(
        "base.launch", sim="true", obstacle_guard="false", sim_battery="0.15", max_linear="0.4"
    )
    cmd_vel = rospy_node.Publisher("/cmd_vel", Twist, queue_size=1)
    try:
        state = battery.wait_count(1, timeout=60)[-1]
        assert 10.4 < state.voltage < 10.7 and 0.1 < state.percentage < 0.2
        assert len(state.cell_voltage) == 3 and state.location == "base"
        status = diagnostics.wait_count(1, timeout=30)[-1].status[0]
        assert status.level == status.WARN and "base slowed" in status.message
        wait_released(rospy_node)
        start = time.monotonic()
        steady = []  # odometry's speed after the first 2 s: up to speed, past any overshoot
        while time.monotonic() - start < 4.0:
            cmd_vel.publish(Twist(linear=Vector3(x=0.4)))
            time.sleep(0.05)
            if odom.messages and time.monotonic() - start > 2.0:
                steady.append(odom.snapshot()[-1].twist.twist.linear.x)
        # Half of max_linear (the default ~battery_slow_scale), give or take the encoders' noise;
        # unslowed it would be 0.4.
        assert 0.17 < statistics.median(steady) < 0.23, steady
        assert max(steady) < 0.3, steady
    finally:
        cmd_vel.unregister()
        odom.close()


def test_a_critical_battery_relaxes_the_arm_and_parks_the_kinect(
    arm, rospy_node, roslaunch, battery_topics
):
    from std_msgs.msg import Float64

    battery, diagnostics = battery_topics
    parked = [Recorder(topic, Float64) for topic in ("/pan/velocity", "/tilt/command")]
    try:
        roslaunch("base.launch", sim="true", obstacle_guard="false", sim_battery="0.05")
        assert battery.wait_count(1, timeout=60)[-1].percentage < 0.1
        status = diagnostics.wait_count(1, timeout=30)[-1].status[0]
        assert status.level == status.ERROR and "arm relaxed" in status.message
        for recorder in parked:
            assert [m.data for m in recorder.wait_count(1, timeout=30)] == [0.0]
        wait_for(lambda: arm.link_state()["message"] == "limp", 30, "the servo driver limp")
        time.sleep(2.5)  # more battery reports arrive; the arm is relaxed and parked only once
        assert all(len(recorder.snapshot()) == 1 for recorder in parked)
    finally:
        for recorder in parked:
            recorder.close()
