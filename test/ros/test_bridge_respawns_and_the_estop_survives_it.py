"""dashboard.launch respawns the bridge: killed, it comes back on its port, a client reconnects,
and the e-stop ROS holds is unchanged (nothing released it), and STOP works again at once."""

from __future__ import annotations

import os
import signal
import time
import xmlrpc.client

import rosgraph
import roslibpy
from fixtures.bridge import bridge_up
from fixtures.harness import Recorder, free_port, wait_for
from std_msgs.msg import Bool


def bridge_pid() -> int | None:
    try:
        uri = rosgraph.Master("/pytest").lookupNode("/rosbridge")
        return xmlrpc.client.ServerProxy(uri).getPid("/pytest")[2]
    except (rosgraph.MasterException, OSError):
        return None


def press_stop(ros: roslibpy.Ros, recorder: Recorder) -> None:
    """Publish true on /estop as the dashboard's STOP does, until ROS has heard one more."""
    before = len(recorder.snapshot())
    stop = roslibpy.Topic(ros, "/estop", "std_msgs/Bool", latch=True)

    def heard() -> bool:
        stop.publish(roslibpy.Message({"data": True}))
        time.sleep(0.2)
        return len(recorder.snapshot()) > before

    wait_for(heard, 30, "STOP reaching ROS")


def test_the_bridge_respawns_and_the_estop_survives_it(roslaunch, client, rospy_node):
    port = free_port()
    roslaunch("dashboard.launch", http_port=free_port(), bridge_port=port)
    wait_for(lambda: bridge_up(port) and bridge_pid(), 60, "the bridge up")
    recorder = Recorder("/estop", Bool)
    press_stop(client(f"ws://127.0.0.1:{port}/"), recorder)
    first = bridge_pid()
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: bridge_pid() not in (None, first) and bridge_up(port), 60, "a new bridge")
    ros = client(f"ws://127.0.0.1:{port}/")  # the page reconnects
    assert ros.is_connected
    assert all(msg.data for msg in recorder.snapshot())  # nobody released the e-stop
    press_stop(ros, recorder)
    recorder.close()
