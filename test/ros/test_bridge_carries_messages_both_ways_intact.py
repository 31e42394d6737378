"""roslibpy -> bridge -> rospy and rospy -> bridge -> roslibpy keep nested messages intact.

The JSON is written here by hand the way a browser or roslibpy would (integers in float fields,
durations as {secs, nsecs}, uint8[] as base64, NaN/inf as null), not by the bridge's converter.
"""

from __future__ import annotations

import base64
import json
import math

import genpy
import pytest
import roslibpy
from fixtures.harness import Recorder, wait_for
from geometry_msgs.msg import Quaternion, Vector3
from sensor_msgs.msg import CompressedImage, Imu, LaserScan
from std_msgs.msg import Float32MultiArray, Header
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint
from websockets.sync.client import connect

RANGES = [0.5 + (i % 64) / 64 for i in range(640)]  # exact in float32
COVARIANCE = [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01]


def header(frame: str) -> dict:
    return {"seq": 7, "stamp": {"secs": 12, "nsecs": 345}, "frame_id": frame}


def ros_header(frame: str) -> Header:
    return Header(seq=7, stamp=genpy.Time(12, 345), frame_id=frame)


CASES = {
    "trajectory": (
        "trajectory_msgs/JointTrajectory",
        {
            "header": header("arm_base_link"),
            "joint_names": ["arm_base_yaw", "arm_shoulder"],
            "points": [
                {
                    "positions": [0.1, -0.2],
                    "velocities": [0, 0],
                    "accelerations": [],
                    "effort": [],
                    "time_from_start": {"secs": 1, "nsecs": 500000000},
                },
                {
                    "positions": [0.3, 0.4],
                    "velocities": [],
                    "accelerations": [],
                    "effort": [],
                    "time_from_start": {"secs": 2, "nsecs": 0},
                },
            ],
        },
        JointTrajectory(
            header=ros_header("arm_base_link"),
            joint_names=["arm_base_yaw", "arm_shoulder"],
            points=[
                JointTrajectoryPoint(
                    positions=[0.1, -0.2],
                    velocities=[0.0, 0.0],
                    time_from_start=genpy.Duration(1, 500000000),
                ),
                JointTrajectoryPoint(positions=[0.3, 0.4], time_from_start=genpy.Duration(2)),
            ],
        ),
    ),
    "imu": (
        "sensor_msgs/Imu",
        {
            "header": header("imu_link"),
            "orientation": {"x": 0, "y": 0, "z": 0.5, "w": 0.75},
            "orientation_covariance": COVARIANCE,
            "angular_velocity": {"x": 0.25, "y": -0.125, "z": 1},
            "angular_velocity_covariance": COVARIANCE,
            "linear_acceleration": {"x": 0.5, "y": 0, "z": 9.75},
            "linear_acceleration_covariance": [-1, 0, 0, 0, 0, 0, 0, 0, 0],
        },
        Imu(
            header=ros_header("imu_link"),
            orientation=Quaternion(0, 0, 0.5, 0.75),
            orientation_covariance=COVARIANCE,
            angular_velocity=Vector3(0.25, -0.125, 1.0),
            angular_velocity_covariance=COVARIANCE,
            linear_acceleration=Vector3(0.5, 0.0, 9.75),
            linear_acceleration_covariance=[-1.0] + [0.0] * 8,
        ),
    ),
    "scan": (
        "sensor_msgs/LaserScan",
        {
            "header": header("camera_depth_frame"),
            "angle_min": -0.5,
            "angle_max": 0.5,
            "angle_increment": 0.0015625,
            "time_increment": 0,
            "scan_time": 0.03125,
            "range_min": 0.25,
            "range_max": 10,
            "ranges": RANGES,
            "intensities": [],
        },
        LaserScan(
            header=ros_header("camera_depth_frame"),
            angle_min=-0.5,
            angle_max=0.5,
            angle_increment=0.0015625,
            scan_time=0.03125,
            range_min=0.25,
            range_max=10.0,
            ranges=RANGES,
        ),
    ),
    "image bytes": (
        "sensor_msgs/CompressedImage",
        {
            "header": header("camera_link"),
            "format": "jpeg",
            "data": base64.b64encode(bytes(range(256))).decode(),
        },
        CompressedImage(header=ros_header("camera_link"), format="jpeg", data=bytes(range(256))),
    ),
}


def as_float32(msg: genpy.Message) -> genpy.Message:
    """The message as it comes out of a serialize/deserialize round (float32 rounding)."""
    import io

    buffer = io.BytesIO()
    msg.serialize(buffer)
    return type(msg)().deserialize(buffer.getvalue())


@pytest.mark.parametrize("case", CASES)
def test_roslibpy_publish_arrives_in_rospy_intact(case, bridge, client, rospy_node):
    type_name, data, expected = CASES[case]
    topic = f"/bridge_test/in/{case.replace(' ', '_')}"
    recorder = Recorder(topic, type(expected))
    ros = client(bridge)
    roslibpy.Topic(ros, topic, type_name).publish(roslibpy.Message(data))
    received = recorder.wait_count(1, timeout=20)[0]
    expected = as_float32(expected)
    if hasattr(expected, "header"):
        expected.header.seq = received.header.seq  # rospy numbers headers itself
    assert received == expected
    recorder.close()


@pytest.mark.parametrize("case", CASES)
def test_rospy_publish_arrives_in_roslibpy_intact(case, bridge, client, rospy_node):
    type_name, data, message = CASES[case]
    topic = f"/bridge_test/out/{case.replace(' ', '_')}"
    publisher = rospy_node.Publisher(topic, type(message), latch=True, queue_size=1)
    publisher.publish(message)
    received = []
    roslibpy.Topic(client(bridge), topic, type_name).subscribe(received.append)
    wait_for(lambda: received, 20, f"{topic} in roslibpy")
    expected = {**data, "header": {**data["header"], "seq": message.header.seq}}
    assert received[0] == expected
    publisher.unregister()


def test_nan_and_infinity_reach_roslibpy_as_null(bridge, client, rospy_node):
    topic = "/bridge_test/out/nan"
    publisher = rospy_node.Publisher(topic, Float32MultiArray, latch=True, queue_size=1)
    publisher.publish(Float32MultiArray(data=[1.5, math.nan, math.inf, -math.inf]))
    received = []
    roslibpy.Topic(client(bridge), topic, "std_msgs/Float32MultiArray").subscribe(received.append)
    wait_for(lambda: received, 20, "the NaN message in roslibpy")
    assert received[0]["data"] == [1.5, None, None, None]
    publisher.unregister()


def test_missing_header_is_stamped_with_ros_time(bridge, client, rospy_node):
    topic = "/bridge_test/in/no_header"
    recorder = Recorder(topic, Imu)
    before = rospy_node.Time.now()
    roslibpy.Topic(client(bridge), topic, "sensor_msgs/Imu").publish(
        roslibpy.Message({"orientation": {"w": 1}})
    )
    msg = recorder.wait_count(1, timeout=20)[0]
    assert msg.header.stamp >= before
    assert msg.orientation.w == 1.0
    recorder.close()


def test_fragment_size_splits_a_large_message_into_fragments_that_rejoin(bridge, rospy_node):
    type_name, _, message = CASES["scan"]
    topic = "/bridge_test/out/fragmented"
    publisher = rospy_node.Publisher(topic, LaserScan, latch=True, queue_size=1)
    publisher.publish(message)
    subscribe = {"op": "subscribe", "topic": topic, "type": type_name, "fragment_size": 1000}
    with connect(bridge, open_timeout=20) as ws:
        ws.send(json.dumps(subscribe))
        fragments = [json.loads(ws.recv(timeout=30))]
        total = fragments[0]["total"]
        fragments += [json.loads(ws.recv(timeout=30)) for _ in range(total - 1)]
    assert total > 5
    assert [f["num"] for f in fragments] == list(range(total))
    assert all(f["op"] == "fragment" and len(f["data"]) <= 1000 for f in fragments)
    whole = json.loads("".join(f["data"] for f in fragments))
    assert whole["op"] == "publish"
    assert whole["msg"]["ranges"] == RANGES
    publisher.unregister()
