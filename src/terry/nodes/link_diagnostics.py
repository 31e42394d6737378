"""A board's serial link health as a /diagnostics entry: the one shape every board node reports."""

from __future__ import annotations

import rospy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue

from terry.link.transport import Link


def link_status(name: str, link: Link, extra: dict[str, str] | None = None) -> DiagnosticStatus:
    """OK while connected, ERROR with the link's last error otherwise; every counter as a value."""
    health = link.health
    connected = link.connected.is_set()
    values = {**health.values(), **(extra or {})}
    return DiagnosticStatus(
        level=DiagnosticStatus.OK if connected else DiagnosticStatus.ERROR,
        name=name,
        message=health.last_error or health.state,
        hardware_id=link.port,
        values=[KeyValue(key, value) for key, value in values.items()],
    )


def publish_status(publisher: rospy.Publisher, status: DiagnosticStatus) -> None:
    msg = DiagnosticArray(status=[status])
    msg.header.stamp = rospy.Time.now()
    publisher.publish(msg)
