"""A subscription's throttle_rate spaces its messages; queue_length keeps only the newest ones."""

from __future__ import annotations

import time

import roslibpy
from fixtures.harness import wait_for
from std_msgs.msg import Int32


def warm_up(publisher, received: list) -> None:
    """Publish -1 until the bridge passes it on: every link is connected after this."""

    def arrived() -> bool:
        publisher.publish(Int32(-1))
        time.sleep(0.1)
        return bool(received)

    wait_for(arrived, 20, "the first message through the bridge")


def test_throttle_rate_limits_messages_to_that_client_only(bridge, client, rospy_node):
    topic = "/bridge_test/throttled"
    publisher = rospy_node.Publisher(topic, Int32, queue_size=100)
    throttled, unthrottled = [], []
    roslibpy.Topic(client(bridge), topic, "std_msgs/Int32", throttle_rate=300).subscribe(
        throttled.append
    )
    roslibpy.Topic(client(bridge), topic, "std_msgs/Int32").subscribe(unthrottled.append)
    warm_up(publisher, throttled)
    wait_for(lambda: unthrottled, 20, "the unthrottled client's first message")
    throttled.clear()
    unthrottled.clear()
    start = time.monotonic()
    for i in range(60):
        publisher.publish(Int32(i))
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    wait_for(lambda: unthrottled and unthrottled[-1]["data"] == 59, 20, "all 60 unthrottled")
    time.sleep(0.7)
    assert [m["data"] for m in unthrottled if m["data"] >= 0] == list(range(60))
    values = [m["data"] for m in throttled if m["data"] >= 0]
    assert 1 <= len(values) <= elapsed / 0.3 + 3
    assert values == sorted(values)


def test_queue_length_keeps_the_newest_messages_while_throttled(bridge, client, rospy_node):
    topic = "/bridge_test/queued"
    publisher = rospy_node.Publisher(topic, Int32, queue_size=100)
    received = []
    roslibpy.Topic(
        client(bridge), topic, "std_msgs/Int32", throttle_rate=500, queue_length=3
    ).subscribe(received.append)
    warm_up(publisher, received)
    time.sleep(0.6)
    received.clear()
    start = time.monotonic()
    for i in range(20):
        publisher.publish(Int32(i))
    burst = time.monotonic() - start
    wait_for(lambda: received and received[-1]["data"] == 19, 20, "the newest message")
    values = [m["data"] for m in received if m["data"] >= 0]
    assert values[-3:] == [17, 18, 19]
    assert values == sorted(values)
    assert len(values) <= 3 + 1 + burst / 0.5 + 1  # the first goes at once, then the queue
