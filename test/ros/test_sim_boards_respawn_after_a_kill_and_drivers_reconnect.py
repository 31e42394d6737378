"""Under the whole simulated robot (launch/sim.launch), killing a simulated board (kill -9, as a
crash) does not end the simulation: roslaunch respawns the board, its driver says on
/diagnostics that the link was lost and then reconnects by itself, as on the robot after an
unplug, and every other part keeps running.
"""

from __future__ import annotations

import os
import signal

import pytest
from fixtures.estop import fresh_estop
from fixtures.harness import Recorder, pid_of, wait_for

# (simulated board node, its driver's /diagnostics entry)
BOARDS = (
    ("/sim_pan_tilt", "pan/tilt board"),
    ("/sim_imu", "IMU board"),
    ("/sim_base_board", "base board"),
    ("/sim_maestro", "servo_driver: Maestro"),
)
SAYS_LOST_AT_ONCE = ("pan/tilt board", "IMU board", "base board")  # the link's drivers


class Health:
    """The latest /diagnostics entry of each driver."""

    def __init__(self, rospy) -> None:
        from diagnostic_msgs.msg import DiagnosticArray

        self.latest: dict = {}
        self._sub = rospy.Subscriber("/diagnostics", DiagnosticArray, self._store)

    def _store(self, msg) -> None:
        for status in msg.status:
            self.latest[status.name] = status

    def reconnects(self, name: str) -> int | None:
        """The driver's reconnect count while its link is OK; None while it is not."""
        status = self.latest.get(name)
        if status is None or status.level != 0:
            return None
        return int({kv.key: kv.value for kv in status.values}["reconnects"])

    def close(self) -> None:
        self._sub.unregister()


@pytest.fixture
def robot(rospy_node, roslaunch, run_dir):
    fresh_estop(rospy_node)
    launch = roslaunch("sim.launch", no_dashboard="true")
    health = Health(rospy_node)
    try:
        for _, name in BOARDS:
            wait_for(
                lambda n=name: health.reconnects(n) is not None or not launch.alive,
                90,
                f"{name} connected",
            )
        assert launch.alive, launch.output()
        yield launch, health
    finally:
        health.close()


def test_a_killed_board_respawns_and_its_driver_reconnects_while_the_rest_runs(robot):
    from nav_msgs.msg import Odometry
    from rosgraph_msgs.msg import Log
    from sensor_msgs.msg import Imu

    launch, health = robot
    odom, imu = Recorder("/odom", Odometry), Recorder("/imu/data", Imu)
    log = Recorder("/rosout_agg", Log, accept=lambda msg: msg.level >= Log.ERROR)
    try:
        # connected before the first kill: a driver logs the loss within milliseconds
        for recorder, topic in ((odom, "/odom"), (imu, "/imu/data"), (log, "/rosout_agg")):
            wait_for(recorder.connected, 20, f"this test subscribed to {topic}")
        for node, name in BOARDS:
            before = {n: health.reconnects(n) for _, n in BOARDS}
            old = wait_for(lambda n=node: pid_of(n), 20, f"{node}'s pid")
            os.kill(old, signal.SIGKILL)
            if name in SAYS_LOST_AT_ONCE:
                wait_for(lambda n=name: health.reconnects(n) is None, 30, f"{name} said lost")
                wait_for(
                    lambda n=name: any(f"{n} lost on" in m.msg for m in log.snapshot()),
                    30,
                    f"{name}'s driver logging the loss on /rosout",
                )
            wait_for(lambda n=node, o=old: pid_of(n) not in (None, o), 60, f"{node} respawned")
            wait_for(
                lambda n=name, b=before[name]: (health.reconnects(n) or 0) > b,
                60,
                f"{name} reconnected",
            )
            assert launch.alive, launch.output()
            for other_node, other in BOARDS:
                if other_node != node:
                    assert health.reconnects(other) == before[other], f"{other} disturbed"
        odom.clear()
        imu.clear()
        odom.wait_count(5, timeout=20)
        imu.wait_count(50, timeout=30)
    finally:
        for recorder in (odom, imu, log):
            recorder.close()
