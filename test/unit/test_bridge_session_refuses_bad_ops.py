"""Bad ops, in-process: each is refused with a clear reason and changes nothing; the reason
reaches the client as a status op only when it asked with set_level."""

from __future__ import annotations

import pytest

BAD = [
    ("not json", "malformed JSON"),
    ("[]", "a frame must be a JSON object"),
    ('{"op": "fly"}', "unknown or unsupported op 'fly'"),
    ('{"op": "publish"}', "publish: 'topic' must be a non-empty string"),
    ('{"op": "publish", "topic": "bad name!"}', "is not a valid ROS name"),
    ('{"op": "publish", "topic": "/a", "msg": 5}', "publish: 'msg' must be an object"),
    ('{"op": "advertise", "topic": "/a"}', "advertise: 'type' must be a non-empty string"),
    ('{"op": "advertise", "topic": "/a", "type": "no/Such"}', "unknown message type 'no/Such'"),
    (
        '{"op": "advertise", "topic": "/a", "type": "std_msgs/Int32", "queue_size": -1}',
        "advertise: queue_size must be a non-negative integer",
    ),
    ('{"op": "subscribe", "topic": "/a", "throttle_rate": -5}', "'throttle_rate' must be"),
    ('{"op": "subscribe", "topic": "/a", "queue_length": 1e300}', "'queue_length' must be"),
    ('{"op": "subscribe", "topic": "/a", "type": 5}', "subscribe: 'type' must be a string"),
    ('{"op": "call_service", "service": "/s", "args": 3}', "'args' must be an object or a list"),
    ('{"op": "set_level", "level": "loud"}', "set_level: level must be one of"),
    ('{"op": "subscribe", "topic": "/secret/x"}', "topic /secret/x is not in the bridge's"),
    ('{"op": "advertise", "topic": "/secret/x", "type": "std_msgs/Int32"}', "not in the bridge's"),
    ('{"op": "call_service", "service": "/secret/s"}', "service /secret/s is not in the bridge's"),
    ('{"op": "advertise_service", "service": "/secret/s", "type": "std_srvs/Trigger"}', "allow"),
]


@pytest.mark.parametrize(("frame", "reason"), BAD)
def test_a_bad_op_is_refused_with_its_reason_and_changes_nothing(in_process, frame, reason):
    t = in_process(topics_glob=["/a", "/b/*"], services_glob=["/s"])
    t.op(op="set_level", level="error")
    t.session.handle(frame)
    replies = t.sent()
    status = next(r for r in replies if r["op"] == "status")
    assert reason in status["msg"]
    assert t.ros.calls == [] and t.ros.published == []
    assert t.session.topics.subscriptions == {} and t.session.topics.advertised == {}


def test_errors_are_not_sent_to_a_client_that_did_not_ask(in_process):
    t = in_process()
    t.op(op="subscribe", topic="bad name!")
    assert t.sent() == []
    t.op(op="set_level", level="error")
    t.op(op="subscribe", id=1, topic="bad name!")
    assert t.sent()[0]["id"] == 1
    t.op(op="set_level", level="none")
    t.op(op="subscribe", topic="bad name!")
    assert t.sent() == []


def test_a_failed_call_service_is_answered_even_without_set_level(in_process):
    t = in_process(services_glob=["/s"])
    t.op(op="call_service", id="c", service="/other")
    assert t.sent() == [
        {
            "op": "service_response",
            "id": "c",
            "service": "/other",
            "values": "service /other is not in the bridge's allow-list",
            "result": False,
        }
    ]
