"""A client that advertises (or subscribes to) a topic with another type than the graph's is
refused, even before the node that owns the name is up: the dashboard's STOP still reaches ROS,
driving still drives, and nobody else notices."""

from __future__ import annotations

import io
import json
import time

import pytest
import roslibpy
from fixtures.harness import Recorder, wait_for
from geometry_msgs.msg import Twist
from std_msgs.msg import Bool, Float32MultiArray, Float64, Int32
from websockets.sync.client import connect

from terry.bridge.convert import from_json

CASES = {  # topic: (its type, a message, the squatter's type)
    "/estop": (Bool, {"data": True}, "std_msgs/String"),
    "/cmd_vel": (Twist, {"linear": {"x": 0.2}}, "std_msgs/Empty"),
    "/arm/xyzc": (Float32MultiArray, {"data": [0.15, 0.05, 0.1, 1.0]}, "std_msgs/String"),
    "/pan/velocity": (Float64, {"data": 0.1}, "std_msgs/Int32"),
}


def on_the_wire(msg):
    """`msg` as ROS carries it (float32 fields rounded)."""
    buffer = io.BytesIO()
    msg.serialize(buffer)
    return type(msg)().deserialize(buffer.getvalue())


def refusals(ws, *ops: dict) -> list[str]:
    """Send each op (with an id) and return the status text each one got back."""
    ws.send(json.dumps({"op": "set_level", "level": "error"}))
    texts = []
    for n, op in enumerate(ops):
        ws.send(json.dumps({**op, "id": f"h{n}"}))
        reply = json.loads(ws.recv(timeout=30))
        assert reply["op"] == "status" and reply["id"] == f"h{n}"
        texts.append(reply["msg"])
    return texts


def arrives(honest: roslibpy.Ros, topic: str, cls: type, msg: dict) -> list:
    """Publish `msg` from the honest client until ROS hears it; what ROS heard."""
    recorder = Recorder(topic, cls)
    publisher = roslibpy.Topic(honest, topic, cls._type)

    def heard() -> bool:
        publisher.publish(roslibpy.Message(msg))
        time.sleep(0.1)
        return bool(recorder.messages)

    try:
        wait_for(heard, 30, f"{topic} from the honest client reaching ROS")
        return recorder.snapshot()
    finally:
        publisher.unadvertise()
        recorder.close()


@pytest.mark.parametrize("topic", list(CASES))
def test_a_squatter_on_terrys_topic_is_refused_and_the_honest_client_still_reaches_ros(
    bridge, client, rospy_node, topic
):
    cls, msg, wrong = CASES[topic]
    with connect(bridge, open_timeout=20) as hostile:
        texts = refusals(
            hostile,
            {"op": "advertise", "topic": topic, "type": wrong},
            {"op": "subscribe", "topic": topic, "type": wrong},
        )
        assert texts == [f"{topic} is {cls._type} in the ROS graph, not {wrong}"] * 2
        heard = arrives(client(bridge), topic, cls, msg)  # while the squatter is still there
    assert heard[0] == on_the_wire(from_json(cls, msg))


def test_a_topic_a_node_publishes_keeps_its_type(bridge, client, rospy_node):
    topic = "/bridge_test/typed"
    node = rospy_node.Publisher(topic, Int32, queue_size=10)
    time.sleep(1.0)  # the bridge reads the master's types at most every 0.5 s
    with connect(bridge, open_timeout=20) as hostile:
        wrong = {"op": "advertise", "topic": topic, "type": "std_msgs/String"}
        assert refusals(hostile, wrong) == [
            f"{topic} is std_msgs/Int32 in the ROS graph, not std_msgs/String"
        ]
        received = []
        roslibpy.Topic(client(bridge), topic, "std_msgs/Int32").subscribe(received.append)

        def delivered() -> bool:
            node.publish(Int32(5))
            time.sleep(0.1)
            return bool(received)

        wait_for(delivered, 30, "the node's messages reaching an honest subscriber")
    assert received[0] == {"data": 5}
    node.unregister()
