"""The e-stop as a state, without ROS: who holds it, and what an actuator may believe about it.

- `EstopState`: the one owner's record (the `estop` node): engaged or not, who set it, why,
  since when. Release is explicit; a replayed release (a latched `false` that a publisher which
  was there before the owner started hands over on connecting) is ignored, never obeyed.
- `EstopWatch`: an actuator node's view of the owner's published state (`STATE_TOPIC`, a
  latched std_msgs/Bool republished every `REPUBLISH_PERIOD` s). Stopped until the state has been
  heard, and stopped again when it has not been heard for `stale_after` s: a restarted node, a
  late joiner or a dead owner never turns "stopped" into "go".

How an actuator node uses `EstopWatch` (rospy; `self.hold()` is the node's own way to stop):

    from std_msgs.msg import Bool
    from terry.safety.estop import STATE_TOPIC, EstopWatch

    self.estop = EstopWatch()                          # stopped until the state is heard
    rospy.Subscriber(STATE_TOPIC, Bool, self.on_estop_state, queue_size=1)
    rospy.Timer(rospy.Duration(0.2), self.check_estop)  # notices an owner gone silent

    def on_estop_state(self, msg):
        self.apply(self.estop.heard(msg.data, rospy.get_time()))

    def check_estop(self, _event):
        self.apply(self.estop.check(rospy.get_time()))

    def apply(self, change):                           # None: nothing changed
        if change is not None:
            (rospy.logwarn if change.stopped else rospy.loginfo)(change.reason)
            if change.stopped:
                self.hold()

    def on_command(self, msg):
        now = rospy.get_time()
        if self.estop.stopped(now):
            rospy.logerr(f"command refused: {self.estop.reason(now)}")
            return
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

COMMAND_TOPIC = "/estop"  # std_msgs/Bool from users and the dashboard: true engages
STATE_TOPIC = "/estop/state"  # std_msgs/Bool, latched, from the estop node: the one truth
STATUS_TOPIC = "/estop/status"  # std_msgs/String, latched JSON: engaged, who, why, since
REPUBLISH_PERIOD = 1.0  # s between republications of the state
STALE_AFTER = 3.0  # s of silence after which an actuator treats the state as unknown: stopped
RELEASE_HINT = f"publish false on {COMMAND_TOPIC} to release"


@dataclass(frozen=True)
class EstopStatus:
    """The owner's record: engaged or not, who set it (a ROS caller id), why, since (s)."""

    engaged: bool
    who: str
    why: str
    since: float

    def as_json(self) -> str:
        return json.dumps(asdict(self), allow_nan=False)


class EstopState:
    """The state the estop node owns. Starts as `initial` (e.g. restored by `from_record`)."""

    def __init__(self, initial: EstopStatus) -> None:
        self.status = initial

    @classmethod
    def from_record(cls, record: object, now: float, engaged: bool = False) -> EstopState:
        """Restore the state a previous owner stored (`record()`); with none, start `engaged`.
        A record that cannot be read starts engaged: unknown is stopped."""
        if record is None:
            why = "initial state at start" if engaged else "not engaged at start"
            return cls(EstopStatus(engaged, "estop", why, now))
        try:
            status = EstopStatus(**record)  # type: ignore[arg-type]
            valid = (
                isinstance(status.engaged, bool)
                and isinstance(status.who, str)
                and isinstance(status.why, str)
                and isinstance(status.since, int | float)
                and math.isfinite(status.since)
            )
        except TypeError:
            valid = False
        if not valid:
            return cls(EstopStatus(True, "estop", f"stored state unreadable: {record!r}", now))
        return cls(status)

    def record(self) -> dict[str, object]:
        """What to store where a restarted owner finds it (the ROS parameter server)."""
        return asdict(self.status)

    def request(
        self, engaged: bool, who: str, why: str, now: float, replay: bool = False
    ) -> str | None:
        """A request to engage or release. Returns a line to log, or None when the state is
        already what was asked. A replayed release is refused: it is old news, not a command."""
        if engaged == self.status.engaged:
            return None
        if not engaged and replay:
            return (
                f"e-stop stays engaged: ignored a replayed release from {who} (a latched false "
                f"from before this node started); {RELEASE_HINT}"
            )
        self.status = EstopStatus(engaged, who, why, now)
        if engaged:
            return f"e-stop ENGAGED by {who}: {why}"
        return f"e-stop released by {who}: {why}"


@dataclass(frozen=True)
class Change:
    """An actuator's e-stop view changed: now `stopped` or not, and why (a line to log)."""

    stopped: bool
    reason: str


class EstopWatch:
    """An actuator node's belief about the e-stop: stopped unless the state was heard, recently,
    and says released."""

    def __init__(self, stale_after: float = STALE_AFTER) -> None:
        if not (math.isfinite(stale_after) and stale_after > 0):
            raise ValueError(f"stale_after must be a positive number of s, got {stale_after}")
        self.stale_after = stale_after
        self._engaged = True
        self._heard_at: float | None = None
        self._reported_stopped = True

    def heard(self, engaged: bool, now: float) -> Change | None:
        """The owner's state arrived (from `STATE_TOPIC`)."""
        self._engaged = bool(engaged)
        self._heard_at = now
        return self.check(now)

    def check(self, now: float) -> Change | None:
        """Call periodically: reports the change when the state goes stale (or anything else
        changed since the last report)."""
        stopped = self.stopped(now)
        if stopped == self._reported_stopped:
            return None
        self._reported_stopped = stopped
        return Change(stopped, self.reason(now))

    def stopped(self, now: float) -> bool:
        return self._heard_at is None or self._engaged or self._silent_for(now) > self.stale_after

    def reason(self, now: float) -> str:
        """Why the actuator is stopped (or that it is not)."""
        if self._heard_at is None:
            return f"e-stop state not heard yet on {STATE_TOPIC} (is the estop node running?)"
        silent = self._silent_for(now)
        if silent > self.stale_after:
            return f"e-stop state silent for {silent:.1f} s on {STATE_TOPIC} (estop node gone?)"
        if self._engaged:
            return f"e-stop is engaged ({RELEASE_HINT})"
        return "e-stop released"

    def _silent_for(self, now: float) -> float:
        return now - self._heard_at if self._heard_at is not None else math.inf
