"""Fifty clients at once, and a client that stops reading only loses its own messages."""

from __future__ import annotations

import json
import time
import urllib.request

import roslibpy
from fixtures.bridge import bridge_rss_kb
from fixtures.harness import wait_for
from std_msgs.msg import Int32, String


def test_fifty_clients_all_receive_every_message(bridge, client, rospy_node):
    topic = "/bridge_test/fanout"
    publisher = rospy_node.Publisher(topic, Int32, queue_size=100)
    inboxes = [[] for _ in range(50)]
    for inbox in inboxes:
        roslibpy.Topic(client(bridge), topic, "std_msgs/Int32").subscribe(
            lambda m, inbox=inbox: inbox.append(m["data"])
        )

    def everyone_connected() -> bool:
        publisher.publish(Int32(-1))
        time.sleep(0.2)
        return all(inboxes)

    wait_for(everyone_connected, 30, "all 50 clients receiving")
    counts = []
    rospy_node.Subscriber("/client_count", Int32, lambda m: counts.append(m.data))
    wait_for(lambda: counts and counts[-1] >= 50, 20, "/client_count reaching 50")
    for i in range(20):
        publisher.publish(Int32(i))
        time.sleep(0.01)
    wait_for(lambda: all(inbox[-1:] == [19] for inbox in inboxes), 30, "message 19 everywhere")
    for inbox in inboxes:
        assert [v for v in inbox if v >= 0] == list(range(20))


def test_a_stalled_client_does_not_slow_or_bloat_the_bridge(
    bridge, bridge_port, client, raw_client, rospy_node
):
    topic = "/bridge_test/flood"
    publisher = rospy_node.Publisher(topic, String, queue_size=1000)
    stalled = raw_client(bridge_port)
    assert stalled.status == 101
    subscribe = {"op": "subscribe", "topic": topic, "type": "std_msgs/String"}
    stalled.send(json.dumps(subscribe).encode())  # ... and never reads again
    healthy = []
    roslibpy.Topic(client(bridge), topic, "std_msgs/String", queue_length=1000).subscribe(
        healthy.append
    )

    def connected() -> bool:
        publisher.publish(String(data="warm-up"))
        time.sleep(0.2)
        return bool(healthy)

    wait_for(connected, 30, "the healthy client receiving")
    rss_before = bridge_rss_kb(bridge_port)
    healthy.clear()
    payload = "x" * 20_000
    count = 3000  # 60 MB in all: far more than the stalled client's socket buffers hold
    for i in range(count):
        publisher.publish(String(data=f"{i:05d}{payload}"))
        if i % 20 == 0:
            time.sleep(0.01)
    wait_for(lambda: len(healthy) >= count, 60, f"the healthy client getting all {count}")
    assert [int(m["data"][:5]) for m in healthy] == list(range(count))
    assert bridge_rss_kb(bridge_port) - rss_before < 40_000  # the stalled client's queue is bounded
    with urllib.request.urlopen(f"http://127.0.0.1:{bridge_port}/health", timeout=10) as r:
        assert json.load(r)["ok"] is True
