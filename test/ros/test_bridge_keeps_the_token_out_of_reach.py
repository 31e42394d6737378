"""The access token is neither a ROS parameter (anyone reaching the master could read it) nor
readable through the bridge's rosapi, whatever name or namespace a client asks for."""

from __future__ import annotations

import json

import pytest
import roslibpy
from fixtures.bridge import bridge_up
from fixtures.harness import free_port, wait_for

TOKEN = "the-robots-t0ken"


def test_a_token_given_as_a_ros_parameter_is_refused(ros_process):
    process = ros_process(
        "rosrun", "terry", "rosbridge", "__name:=rosbridge_token_param", "_port:=0", "_token:=x"
    )
    assert process.wait(60) != 0
    assert "must not be a ROS parameter" in process.output()


def test_the_token_is_not_a_parameter_nor_readable_through_the_bridge(
    roslaunch, client, rospy_node
):
    http, port = free_port(), free_port()
    roslaunch("dashboard.launch", http_port=http, bridge_port=port, address="0.0.0.0", token=TOKEN)
    wait_for(lambda: bridge_up(port), 60, "the bridge up")
    assert TOKEN not in json.dumps(rospy_node.get_param("/"))
    rospy_node.set_param("/bridge_test/api_token", "another-secret")
    ros = client(f"ws://127.0.0.1:{port}/?token={TOKEN}")
    everything = roslibpy.Param(ros, "/").get(timeout=20)
    assert "another-secret" not in json.dumps(everything)
    assert "api_token" not in json.dumps(everything)
    assert not any("token" in name for name in ros.get_params())
    with pytest.raises(Exception, match="allow-list"):
        roslibpy.Param(ros, "/bridge_test/api_token").get(timeout=20)
