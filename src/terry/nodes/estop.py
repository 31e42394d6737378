"""The e-stop's one owner: requests in on /estop, the state out for every actuator and the page.

Subscribes /estop (std_msgs/Bool from anyone: `rostopic pub -1 /estop std_msgs/Bool "data:
true"`, the dashboard). Services /estop/engage and /estop/release (std_srvs/Trigger). Publishes
/estop/state (std_msgs/Bool, latched, republished every second: what actuators obey, through
`terry.safety.estop.EstopWatch`), /estop/status (std_msgs/String, latched JSON: engaged, who (the
requester's caller id), why, since (unix s)) and /diagnostics. The state is also kept in the
parameter ~record, so a restarted estop node carries on engaged if it was; a latched false
replayed by a publisher from before the restart is ignored. Param: ~engaged (the state at the
first start, default false).
"""

from __future__ import annotations

import threading

import rosgraph
import rospy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger, TriggerResponse

from terry.safety.estop import (
    COMMAND_TOPIC,
    REPUBLISH_PERIOD,
    STATE_TOPIC,
    STATUS_TOPIC,
    EstopState,
)


class EstopNode:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        stored = rospy.get_param("~record", None)
        self.state = EstopState.from_record(
            stored, rospy.get_time(), bool(rospy.get_param("~engaged", False))
        )
        if stored is not None:
            rospy.logwarn("e-stop state restored: %s", self.state.status.as_json())
        self.state_pub = rospy.Publisher(STATE_TOPIC, Bool, queue_size=1, latch=True)
        self.status_pub = rospy.Publisher(STATUS_TOPIC, String, queue_size=1, latch=True)
        self.diagnostics = rospy.Publisher("/diagnostics", DiagnosticArray, queue_size=2)
        self._publish(changed=True)
        self._earlier = self._latched_publishers_before_now()
        self._heard: set[str] = set()
        rospy.Subscriber(COMMAND_TOPIC, Bool, self.on_request, queue_size=10)
        rospy.Service("/estop/engage", Trigger, lambda r: self.on_service(r, True))
        rospy.Service("/estop/release", Trigger, lambda r: self.on_service(r, False))

    @staticmethod
    def _latched_publishers_before_now() -> set[str]:
        """The /estop publishers already there: their first message may be a latched replay."""
        publishers, _, _ = rosgraph.Master(rospy.get_name()).getSystemState()
        topic = rospy.resolve_name(COMMAND_TOPIC)
        return {node for name, nodes in publishers if name == topic for node in nodes}

    def on_request(self, msg: Bool) -> None:
        header = getattr(msg, "_connection_header", {})
        who = header.get("callerid", "unknown")
        replay = header.get("latching") == "1" and who in self._earlier and who not in self._heard
        self._heard.add(who)
        self._request(bool(msg.data), who, f"{str(msg.data).lower()} on {COMMAND_TOPIC}", replay)

    def on_service(self, request, engaged: bool) -> TriggerResponse:
        who = getattr(request, "_connection_header", {}).get("callerid", "unknown")
        self._request(engaged, who, f"/estop/{'engage' if engaged else 'release'} called")
        status = self.state.status
        return TriggerResponse(status.engaged == engaged, status.as_json())

    def _request(self, engaged: bool, who: str, why: str, replay: bool = False) -> None:
        with self._lock:
            line = self.state.request(engaged, who, why, rospy.get_time(), replay)
            if line is None:
                return
            (rospy.logwarn if self.state.status.engaged or replay else rospy.loginfo)(line)
            rospy.set_param("~record", self.state.record())
            self._publish(changed=True)

    def republish(self) -> None:
        with self._lock:  # never a stale state after a fresh one
            self._publish(changed=False)

    def _publish(self, changed: bool) -> None:
        status = self.state.status
        self.state_pub.publish(Bool(status.engaged))
        if changed:
            self.status_pub.publish(String(status.as_json()))
        message = f"engaged by {status.who}: {status.why}" if status.engaged else "released"
        values = {"engaged": str(status.engaged), "who": status.who, "why": status.why}
        self.diagnostics.publish(
            DiagnosticArray(
                header=rospy.Header(stamp=rospy.Time.now()),
                status=[
                    DiagnosticStatus(
                        level=DiagnosticStatus.WARN if status.engaged else DiagnosticStatus.OK,
                        name="estop",
                        message=message,
                        values=[KeyValue(k, v) for k, v in values.items()],
                    )
                ],
            )
        )


def main() -> None:
    rospy.init_node("estop")
    node = EstopNode()
    rate = rospy.Rate(1.0 / REPUBLISH_PERIOD)
    while not rospy.is_shutdown():  # in the main thread: if this fails, the node exits (respawn)
        node.republish()
        try:
            rate.sleep()
        except rospy.ROSInterruptException:
            break
