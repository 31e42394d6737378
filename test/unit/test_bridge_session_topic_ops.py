"""A client's topic ops, in-process on a recording ROS side: publish, advertise, subscribe with
throttle, queue and fragments, unsubscribe, and what a client leaves behind when it goes."""

from __future__ import annotations

import json

from std_msgs.msg import Int32, String


def test_publish_converts_the_message_and_reaches_ros_once_advertised(in_process):
    t = in_process()
    t.op(op="advertise", topic="/a", type="std_msgs/Int32", latch=True, queue_size=5)
    t.op(op="publish", topic="/a", msg={"data": 7})
    assert t.ros.calls == [("advertise", "/a", "std_msgs/Int32", True, 5)]
    assert [(topic, msg.data) for topic, msg in t.ros.published] == [("/a", 7)]
    assert t.sent() == []


def test_publish_without_advertise_takes_the_type_from_the_graph(in_process):
    t = in_process()
    t.ros.types["/known"] = "std_msgs/String"
    t.op(op="publish", topic="known", msg={"data": "hi"})  # relative names are made global
    assert t.ros.calls == [("advertise", "/known", "std_msgs/String", False, 100)]
    assert t.ros.published[0][1] == String(data="hi")


def test_publish_to_a_topic_of_unknown_type_publishes_nothing(in_process):
    t = in_process()
    t.op(op="set_level", level="error")
    t.op(op="publish", id="p", topic="/nobody", msg={"data": 1})
    assert t.ros.published == [] and t.ros.calls == []
    assert t.sent() == [
        {
            "op": "status",
            "level": "error",
            "id": "p",
            "msg": "publish to /nobody: advertise it first (type unknown)",
        }
    ]


def test_advertising_again_with_another_type_is_refused(in_process):
    t = in_process()
    t.op(op="set_level", level="error")
    t.op(op="advertise", topic="/a", type="std_msgs/Int32")
    t.op(op="advertise", topic="/a", type="std_msgs/msg/Int32")  # the same type, ROS 2 spelling
    t.op(op="advertise", id="x", topic="/a", type="std_msgs/String")
    assert len(t.ros.calls) == 1
    assert t.sent()[0]["msg"] == "/a is already advertised with another type"


def test_subscribe_delivers_ros_messages_and_one_ros_subscriber_serves_every_id(in_process):
    t = in_process()
    t.op(op="subscribe", id="s1", topic="/a", type="std_msgs/Int32")
    t.op(op="subscribe", id="s2", topic="/a", type="std_msgs/Int32")
    t.ros_message("/a", Int32(3))
    assert t.ros.calls == [("subscribe", "/a", "std_msgs/Int32")]
    assert t.sent() == [{"op": "publish", "topic": "/a", "msg": {"data": 3}}]


def test_every_publishers_latched_message_reaches_a_late_subscriber(in_process):
    """As /tf_static: robot_state_publisher's frames and the world's map -> odom both arrive."""
    t = in_process()
    t.op(op="subscribe", topic="/l")
    t.ros_message("/l", Int32(1), latched_by="/robot_state_publisher")
    t.ros_message("/l", Int32(2), latched_by="/sim_world")
    t.ros_message("/l", Int32(3), latched_by="/robot_state_publisher")  # replaces its first
    t.ros_message("/l", Int32(4))  # not latched: not kept
    assert [f["msg"]["data"] for f in t.sent()] == [1, 2, 3, 4]
    late = in_process()
    late.hub = t.hub
    late.session.hub = t.hub
    late.op(op="subscribe", topic="/l")
    assert sorted(f["msg"]["data"] for f in late.sent()) == [2, 3]


def test_throttle_rate_sends_the_newest_message_once_per_interval(in_process):
    t = in_process()
    t.op(op="subscribe", topic="/a", throttle_rate=500)
    for i in range(5):
        t.ros_message("/a", Int32(i))
    assert [f["msg"]["data"] for f in t.sent()] == [4]
    t.ros_message("/a", Int32(5))
    t.now = 0.2
    assert t.sent() == []
    t.now = 0.5
    assert [f["msg"]["data"] for f in t.sent()] == [5]


def test_queue_length_keeps_only_the_newest_messages(in_process):
    t = in_process()
    t.op(op="subscribe", topic="/a", queue_length=2)
    for i in range(5):
        t.ros_message("/a", Int32(i))
    assert [f["msg"]["data"] for f in t.sent()] == [3, 4]


def test_fragment_size_cuts_a_message_into_fragments_that_rejoin(in_process):
    t = in_process()
    t.op(op="subscribe", topic="/big", fragment_size=1000)
    t.ros_message("/big", String(data="x" * 5000))
    parts = t.sent()
    assert len(parts) >= 5
    assert [p["num"] for p in parts] == list(range(parts[0]["total"]))
    assert all(p["op"] == "fragment" and len(p["data"]) <= 1000 for p in parts)
    whole = json.loads("".join(p["data"] for p in parts))
    assert whole == {"op": "publish", "topic": "/big", "msg": {"data": "x" * 5000}}


def test_unsubscribing_one_id_keeps_the_others_and_the_last_one_ends_it(in_process):
    t = in_process()
    t.op(op="subscribe", id="s1", topic="/a", throttle_rate=1000)
    t.op(op="subscribe", id="s2", topic="/a")
    t.op(op="unsubscribe", id="s2", topic="/a")
    for i in range(3):
        t.ros_message("/a", Int32(i))
    assert [f["msg"]["data"] for f in t.sent()] == [2]  # s1's throttle rules again
    t.op(op="unsubscribe", id="s1", topic="/a")
    t.ros_message("/a", Int32(9))
    assert t.sent() == []
    assert t.ros.calls[-1] == ("unsubscribe", "/a")
    assert t.hub.subscribers == {}


def test_a_client_that_leaves_releases_its_topics(in_process):
    t = in_process()
    t.op(op="subscribe", topic="/a")
    t.op(op="advertise", topic="/b", type="std_msgs/Int32")
    t.ros_message("/a", Int32(1))
    t.session.close()
    assert ("unsubscribe", "/a") in t.ros.calls and ("unadvertise", "/b") in t.ros.calls
    assert t.session.outbox.bytes == 0
    assert t.hub.subscribers == {}
