"""Fuzzed JSON, wrong fields, huge frames and floods: the bridge stays up, others are served.

Errors come back as status ops only to clients that asked with set_level; a failed call_service
is always answered with a service_response whose result is false.
"""

from __future__ import annotations

import json
import random
import time

import pytest
import roslibpy
from fixtures.harness import wait_for
from std_msgs.msg import Int32
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

OPS = [
    "publish",
    "subscribe",
    "advertise",
    "call_service",
    "advertise_service",
    "unadvertise",
    "unsubscribe",
    "service_response",
    "set_level",
    "fragment",
    "nonsense",
]
KEYS = [
    "op",
    "id",
    "topic",
    "type",
    "msg",
    "service",
    "args",
    "values",
    "result",
    "throttle_rate",
    "queue_length",
    "fragment_size",
    "latch",
    "queue_size",
    "level",
]


def fuzz_value(rng: random.Random, depth: int = 0):
    kinds = ["int", "float", "str", "bool", "none"] + (["list", "dict"] if depth < 4 else [])
    kind = rng.choice(kinds)
    if kind == "int":
        return rng.choice([0, -1, 2**70, rng.randint(-1000, 1000)])
    if kind == "float":
        return rng.choice([0.5, -1e308, 1e-300, rng.uniform(-10, 10)])
    if kind == "str":
        return rng.choice(["", "/t", "std_msgs/Int32", "no/Such", "a" * 300, "\u2603/\u00e9", "/"])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "none":
        return None
    if kind == "list":
        return [fuzz_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(KEYS): fuzz_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def fuzz_frames(count: int) -> list[str]:
    rng = random.Random(5)
    frames = []
    for _ in range(count):
        op = {k: fuzz_value(rng) for k in rng.sample(KEYS, rng.randint(0, 6))}
        if rng.random() < 0.8:
            op["op"] = rng.choice(OPS)
        text = json.dumps(op)
        if rng.random() < 0.2:  # break it
            cut = rng.randint(0, len(text))
            text = text[:cut] + rng.choice(["", "}", "\x00", "{{", '"'])
        frames.append(text)
    return frames


HOSTILE = [
    "not json",
    "[]",
    "null",
    '{"op": 5}',
    '{"op": "publish"}',
    '{"op": "publish", "topic": "/bridge_test/x", "msg": {"data": 1}}',
    '{"op": "advertise", "topic": "/bridge_test/x", "type": "no_such/Type"}',
    '{"op": "advertise", "topic": "/bridge_test/hostile", "type": "std_msgs/Int32"}',
    '{"op": "publish", "topic": "/bridge_test/hostile", "msg": {"data": "text"}}',
    '{"op": "publish", "topic": "/bridge_test/hostile", "msg": {"data": 99999999999}}',
    '{"op": "publish", "topic": "/bridge_test/hostile", "msg": {"nope": 1}}',
    '{"op": "subscribe", "topic": "bad name!", "type": "std_msgs/Int32"}',
    '{"op": "subscribe", "topic": "/bridge_test/y", "type": "std_msgs/Int32", "throttle_rate": -5}',
    '{"op": "call_service", "service": "/rosapi/get_param", "args": {"name": 5}}',
    '{"op": "service_response", "id": "nothing pending", "values": {}}',
    "[" * 100_000 + "]" * 100_000,
]


@pytest.fixture
def watcher(bridge, client, rospy_node):
    """A well-behaved roslibpy client subscribed to /bridge_test/alive; returns a checker."""
    publisher = rospy_node.Publisher("/bridge_test/alive", Int32, queue_size=10)
    received = []
    roslibpy.Topic(client(bridge), "/bridge_test/alive", "std_msgs/Int32").subscribe(
        lambda m: received.append(m["data"])
    )

    def still_served(value: int) -> None:
        def arrived() -> bool:
            publisher.publish(Int32(value))
            time.sleep(0.1)
            return value in received

        wait_for(arrived, 30, f"message {value} reaching the well-behaved client")

    still_served(0)
    return still_served


def test_fuzzed_and_malformed_ops_change_nothing(bridge, watcher):
    with connect(bridge, max_size=None, open_timeout=20) as ws:
        for frame in fuzz_frames(300) + HOSTILE:
            ws.send(frame)
        ws.send(json.dumps({"op": "call_service", "id": "ping", "service": "/rosapi/get_time"}))
        while True:
            reply = json.loads(ws.recv(timeout=30))
            if reply.get("id") == "ping":
                break
            assert reply["op"] != "status"  # this client never asked for status
        assert reply["result"] is True
    watcher(1)


def test_errors_reach_a_client_as_status_only_when_it_asked(bridge, watcher):
    with connect(bridge, open_timeout=20) as ws:
        ws.send(json.dumps({"op": "set_level", "level": "error"}))
        ws.send(json.dumps({"op": "advertise", "id": "a1", "topic": "/t", "type": "no/Such"}))
        status = json.loads(ws.recv(timeout=30))
        assert status == {
            "op": "status",
            "level": "error",
            "id": "a1",
            "msg": "unknown message type 'no/Such'",
        }
        ws.send(json.dumps({"op": "call_service", "id": "c1", "service": "/nobody/here"}))
        replies = [json.loads(ws.recv(timeout=30)) for _ in range(2)]
        response = next(r for r in replies if r["op"] == "service_response")
        assert response["id"] == "c1" and response["result"] is False
        assert "does not exist" in response["values"]
    watcher(2)


def test_a_frame_over_the_size_limit_closes_only_that_connection(bridge, watcher):
    with connect(bridge, max_size=None, open_timeout=20) as ws:
        huge = json.dumps({"op": "publish", "topic": "/t", "msg": {"data": "x" * 11_000_000}})
        with pytest.raises(ConnectionClosed):
            ws.send(huge)
            ws.recv(timeout=30)
        assert ws.close_code == 1009  # message too big
    watcher(3)


def test_a_flood_of_bad_publishes_leaves_others_served(bridge, watcher):
    bad = json.dumps({"op": "publish", "topic": "/bridge_test/none", "msg": {"data": 1}})
    with connect(bridge, open_timeout=20) as ws:
        for _ in range(20_000):
            ws.send(bad)
        watcher(4)
        ws.send(json.dumps({"op": "call_service", "id": "ping", "service": "/rosapi/get_time"}))
        while json.loads(ws.recv(timeout=60)).get("id") != "ping":
            pass
    watcher(5)


def test_a_connection_flood_is_capped_at_max_clients(start_bridge, raw_client):
    _, port = start_bridge("_max_clients:=5")
    first = [raw_client(port) for _ in range(5)]
    assert [raw.status for raw in first] == [101] * 5
    assert raw_client(port).status == 403
    first[0].close()
    wait_for(lambda: raw_client(port).status == 101, 30, "a place freed by a client leaving")
