"""The estop node keeps the e-stop: the README's `rostopic pub -1` engages it and says who; it
stays engaged when that publisher exits and when the estop node itself restarts (a latched
release replayed on reconnecting does not release it); only a fresh release does."""

from __future__ import annotations

import json

from fixtures.estop import fresh_estop
from fixtures.harness import Recorder, wait_for


def latest(recorder: Recorder):
    messages = recorder.snapshot()
    return messages[-1] if messages else None


def test_estop_state_survives_the_publisher_and_the_owner_restarting(
    rospy_node, roslaunch, ros_process
):
    from std_msgs.msg import Bool, String

    fresh_estop(rospy_node)
    roslaunch("safety.launch")
    state = Recorder("/estop/state", Bool)
    status = Recorder("/estop/status", String)
    release = rospy_node.Publisher("/estop", Bool, queue_size=1, latch=True)
    try:
        wait_for(lambda: latest(state) is not None and not latest(state).data, 60, "released")
        release.publish(Bool(False))  # a latched release, long before the engage
        engage = ros_process("rostopic", "pub", "-1", "/estop", "std_msgs/Bool", "data: true")
        assert engage.wait(60) == 0
        wait_for(lambda: latest(state).data, 20, "/estop/state true")
        said = json.loads(wait_for(lambda: latest(status), 10, "/estop/status").data)
        assert said["engaged"] and said["who"].startswith("/rostopic")
        assert said["why"] == "true on /estop"

        state.wait_count(len(state.snapshot()) + 2, timeout=10)  # republished every second
        assert all(m.data for m in state.snapshot()[-2:]), "still engaged, the publisher gone"

        assert ros_process("rosnode", "kill", "/estop").wait(30) == 0
        wait_for(lambda: release.get_num_connections() == 0, 20, "the estop node gone")
        wait_for(lambda: release.get_num_connections() > 0, 60, "the estop node respawned")
        state.clear()
        state.wait_count(3, timeout=20)
        assert all(m.data for m in state.snapshot()), "a restarted owner must stay engaged"
        assert json.loads(latest(status).data)["who"].startswith("/rostopic")

        release.publish(Bool(False))  # fresh: this one releases
        wait_for(lambda: not latest(state).data, 20, "released by a fresh false")
        said = json.loads(wait_for(lambda: latest(status), 10, "/estop/status").data)
        assert not said["engaged"] and said["who"] == rospy_node.get_caller_id()
    finally:
        for recorder in (state, status):
            recorder.close()
        release.unregister()


def test_estop_services_engage_and_release_naming_the_caller(rospy_node, roslaunch):
    from std_msgs.msg import Bool
    from std_srvs.srv import Trigger

    fresh_estop(rospy_node)
    roslaunch("safety.launch", engaged="true")
    state = Recorder("/estop/state", Bool)
    try:
        wait_for(lambda: latest(state) is not None, 60, "/estop/state")
        assert latest(state).data, "engaged:=true starts engaged"
        rospy_node.wait_for_service("/estop/release", timeout=30)
        answer = rospy_node.ServiceProxy("/estop/release", Trigger)()
        assert answer.success and json.loads(answer.message)["who"] == rospy_node.get_caller_id()
        wait_for(lambda: not latest(state).data, 20, "released")
        assert rospy_node.ServiceProxy("/estop/engage", Trigger)().success
        wait_for(lambda: latest(state).data, 20, "engaged again")
    finally:
        state.close()
