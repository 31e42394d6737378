"""The allow-lists (topics_glob, services_glob, params_glob) decide what clients can reach."""

from __future__ import annotations

import json

import pytest
import roslibpy
from fixtures.harness import wait_for
from std_msgs.msg import Int32
from websockets.sync.client import connect


@pytest.fixture
def narrow_bridge(start_bridge) -> str:
    _, port = start_bridge(
        "_topics_glob:=['/allowed/*', '/client_count']",
        "_services_glob:=['/rosapi/*']",
        "_params_glob:=['/allowed/*']",
    )
    return f"ws://127.0.0.1:{port}/"


def test_topics_outside_the_allow_list_are_refused_and_unlisted(narrow_bridge, client, rospy_node):
    publisher = rospy_node.Publisher("/secret/data", Int32, queue_size=1)
    ros = client(narrow_bridge)
    topics = wait_for(lambda: ros.get_topics(), 20, "a topic list")
    assert "/secret/data" not in topics
    with connect(narrow_bridge, open_timeout=20) as ws:
        ws.send(json.dumps({"op": "set_level", "level": "error"}))
        for op in ("subscribe", "advertise"):
            ws.send(
                json.dumps({"op": op, "id": op, "topic": "/secret/data", "type": "std_msgs/Int32"})
            )
            status = json.loads(ws.recv(timeout=20))
            assert status["id"] == op
            assert "not in the bridge's allow-list" in status["msg"]
    publisher.unregister()


def test_services_and_params_outside_the_allow_lists_are_refused(narrow_bridge, client, rospy_node):
    rospy_node.set_param("/allowed/gain", 2)
    rospy_node.set_param("/secret/password", "hunter2")
    ros = client(narrow_bridge)
    assert roslibpy.Param(ros, "/allowed/gain").get(timeout=20) == 2
    with pytest.raises(Exception, match="allow-list"):
        roslibpy.Param(ros, "/secret/password").get(timeout=20)
    assert "/secret/password" not in ros.get_params()
    logger_service = roslibpy.Service(ros, "/rosout/get_loggers", "roscpp/GetLoggers")
    with pytest.raises(Exception, match="allow-list"):
        logger_service.call(roslibpy.ServiceRequest({}), timeout=20)
