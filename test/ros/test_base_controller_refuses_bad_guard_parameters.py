"""Real master, the base_controller node alone (rosrun): a bad obstacle-guard parameter stops it
at start with exit status 1 and a message that names the parameter, before it opens any port."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("param", "words"),
    [
        ("_guard_travel:=0.0", "~guard_travel must be > 0"),
        ("_guard_travel:=-2.0", "~guard_travel must be a number >= 0"),
        ("_guard_memory:=soon", "~guard_memory must be a number >= 0"),
        ("_blind_speed:=-0.1", "~blind_speed must be a number >= 0"),
    ],
)
def test_bad_guard_parameter_stops_the_node_naming_it(rospy_node, ros_process, param, words):
    node = ros_process("rosrun", "terry", "base_controller", param, "_port:=/dev/null")
    try:
        assert node.wait(60) == 1
        assert words in node.output()
    finally:  # private parameters outlive the node on this shared master
        rospy_node.delete_param("/base_controller")
