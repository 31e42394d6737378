"""How a node starts: one place that turns a bad or missing parameter into a clear FATAL line
and exit status 1 (roslaunch then says which node and why), and how a simulated board's
firmware runs as a node."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import rospy

from terry.sim.firmware import start_board
from terry.sim.pty import default_link

Node = TypeVar("Node")


def start(
    name: str, make: Callable[[], Node], errors: tuple[type[Exception], ...] = (ValueError,)
) -> Node:
    """rospy.init_node(name), then the node's core object from `make`, or exit 1 saying why."""
    rospy.init_node(name)
    try:
        return make()
    except KeyError as error:  # rospy.get_param("~x") without a default
        rospy.logfatal(f"{name}: parameter {error} is required")
        raise SystemExit(1) from error
    except errors as error:
        rospy.logfatal(f"{name}: {error}")
        raise SystemExit(1) from error


def run_firmware_board(sketch: str, env: Mapping[str, str] | None = None) -> None:
    """Run the host build of `sketch` on a pty at ~link until ROS shuts down (node started)."""
    link = rospy.get_param("~link", default_link(sketch))
    board = start_board(sketch, link, dict(env or {}))
    rospy.loginfo("simulated %s board (host-built firmware) on %s", sketch, link)
    rospy.on_shutdown(board.terminate)
    while not rospy.is_shutdown() and board.poll() is None:
        rospy.sleep(0.2)
    if board.poll() not in (None, 0, -15):
        rospy.logerr("%s: the firmware exited with status %s", rospy.get_name(), board.returncode)
    board.terminate()
    board.wait()
