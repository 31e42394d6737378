"""The README's "run it" command as a new user runs it: `./run sim` brings the simulated robot
up with its own ROS master, the arm answers `rostopic pub`, the Kinect's scan, the IMU and the
odometry flow, the dashboard is up, and Ctrl-C leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
import xmlrpc.client

from fixtures.harness import REPO, Process, free_port, ros_environment, wait_for


def published_topics(uri: str) -> set[str]:
    try:
        code, _, topics = xmlrpc.client.ServerProxy(uri).getPublishedTopics("/test", "")
    except OSError:
        return set()
    return {name for name, _ in topics} if code == 1 else set()


def test_run_sim_comes_up_moves_the_arm_and_stops_on_ctrl_c(tmp_path):
    uri = f"http://localhost:{free_port()}/"  # no master there: roslaunch starts its own
    env = ros_environment(uri, tmp_path / "ros_home", tmp_path)
    http_port, bridge_port = free_port(), free_port()  # a developer's ./run sim may hold 8080
    sim = Process(
        [str(REPO / "run"), "sim", f"http_port:={http_port}", f"bridge_port:={bridge_port}"],
        env,
        tmp_path / "run-sim.log",
    )
    try:
        expected = {"/joint_states", "/tf", "/scan", "/arm/ik_status"}
        wait_for(
            lambda: expected - {"/arm/ik_status"} <= published_topics(uri),
            120,
            "the simulated robot's topics",
        )
        pub = subprocess.run(
            ["rostopic", "pub", "-1", "/arm/xyzc", "std_msgs/Float32MultiArray",
             "data: [0.15, 0.05, 0.10, 1.0]"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert pub.returncode == 0, pub.stderr
        echo = subprocess.run(
            ["rostopic", "echo", "-n", "1", "/arm/ik_status"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert '\\"ok\\": true' in echo.stdout or '"ok": true' in echo.stdout, echo.stdout
        for topic in ("/scan", "/imu/data", "/odom"):  # every simulated device is talking
            echo = subprocess.run(
                ["rostopic", "echo", "-n", "1", "--noarr", topic],
                env=env, capture_output=True, text=True, timeout=90,
            )  # fmt: skip
            assert echo.returncode == 0 and "header" in echo.stdout, (topic, echo.stderr)
        health = wait_for(lambda: fetch(f"http://127.0.0.1:{http_port}/health"), 60, "dashboard")
        assert json.loads(health)["bridge"], health

        sim.signal_group(signal.SIGINT)  # Ctrl-C in the terminal reaches the whole group
        assert sim.wait(60) == 0, sim.output()[-3000:]
        wait_for(lambda: not group_alive(sim.popen.pid), 30, "every process of ./run sim gone")
    finally:
        sim.stop()


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except (OSError, ValueError):
        return None


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
