"""What every board node says about its link, in one shape: a /diagnostics entry (OK while up,
ERROR with the last error otherwise; every counter as a value), published every second and at
once when the link comes up or is lost, with a line on /rosout for each change; and `guarded`,
which turns an unexpected exception in a callback into a visible end of the node (logged, shut
down, respawned by roslaunch) instead of a silently dead thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import rospy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue

from terry.link.transport import UP, Link, describe


def link_status(name: str, link: Link) -> DiagnosticStatus:
    """OK while up (from the handshake on, so that on_up can report it), ERROR otherwise; the
    message is the link's last error (a refusal while up, such as a command the e-stop held, is
    not cleared) or its state; every counter as a value."""
    health = link.health
    values = health.values()
    return DiagnosticStatus(
        level=DiagnosticStatus.OK if health.state == UP else DiagnosticStatus.ERROR,
        name=name,
        message=health.last_error or health.state,
        hardware_id=link.port,
        values=[KeyValue(key, value) for key, value in values.items()],
    )


def guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The callback, but an exception in it logs and shuts the node down (roslaunch respawns it)."""

    @functools.wraps(callback)
    def run(*args: Any) -> Any:
        try:
            return callback(*args)
        except Exception as error:
            rospy.logfatal(f"{rospy.get_name()}: {error!r} in {callback.__name__}: shutting down")
            rospy.signal_shutdown(f"unexpected error in {callback.__name__}")
            return None

    return run


class BoardReport:
    """A board link's /diagnostics and /rosout voice. Pass on_up and on_lost to the core object,
    then watch(link) once the link exists. adjust(status) may add to each entry before it goes."""

    def __init__(
        self, name: str, adjust: Callable[[DiagnosticStatus], None] = lambda _status: None
    ) -> None:
        self.name, self._adjust = name, adjust
        self.link: Link | None = None
        self._pub = rospy.Publisher("diagnostics", DiagnosticArray, queue_size=1)
        self._timer: rospy.Timer | None = None

    def watch(self, link: Link, period: float = 1.0) -> None:
        self.link = link
        self._timer = rospy.Timer(rospy.Duration(period), guarded(self.publish))

    def on_up(self) -> None:
        if self.link is not None:
            rospy.loginfo(f"{self.name} up on {self.link.port}: {describe(self.link.health.board)}")
            self.publish()

    def on_lost(self, reason: str) -> None:
        if self.link is not None:
            rospy.logerr(f"{self.name} lost on {self.link.port}: {reason}; reconnecting")
            self.publish()

    def publish(self, _event: rospy.timer.TimerEvent | None = None) -> None:
        if self.link is None:
            return
        status = link_status(self.name, self.link)
        self._adjust(status)
        msg = DiagnosticArray(status=[status])
        msg.header.stamp = rospy.Time.now()
        self._pub.publish(msg)
