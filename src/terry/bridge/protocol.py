"""The rosbridge v2 ops as data: each op's fields declared once, one checker for every op.

A spec is a tuple of `(required, key, kind)`; a kind turns the raw JSON value into a checked
one or raises BridgeError. TOPIC and SERVICE are graph names that must also be in the bridge's
allow-lists: that is the one place the allow-list is checked for client ops.
ROS-free: the ROS side is a RosPort (the adapter node implements it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from terry.bridge.config import BridgeConfig

LEVELS = {"none": 0, "error": 1, "warning": 2, "info": 3}


class BridgeError(Exception):
    """A request the bridge refuses; the text is what the client is told."""


class RosPort(Protocol):
    """What the bridge needs from ROS (implemented by terry.nodes.rosbridge)."""

    def advertise(
        self, owner: object, topic: str, type_name: str, latch: bool, queue_size: int
    ) -> type:
        """Publish `topic` for `owner`; returns the message class. BridgeError on conflicts."""

    def unadvertise(self, owner: object, topic: str) -> None: ...

    def publish(self, topic: str, msg: Any) -> None: ...

    def topic_type(self, topic: str) -> str | None:
        """The type of a topic known to the master, or None."""

    def subscribe(self, topic: str, type_name: str | None) -> None:
        """Make sure ROS messages of `topic` reach Hub.on_ros_message."""

    def unsubscribe(self, topic: str) -> None: ...

    def service_exists(self, service: str) -> bool:
        """True if some node (not this bridge's clients) provides `service`."""

    def call_service(self, service: str, args: Any, timeout: float) -> dict:
        """Call a ROS (or rosapi) service, blocking at most `timeout` s; the response as JSON."""

    def advertise_service(self, owner: object, service: str, type_name: str, handler: Any) -> None:
        """Offer `service` in ROS; handler(request_json) -> concurrent Future of response JSON."""

    def unadvertise_service(self, owner: object, service: str) -> None: ...

    def now(self) -> Any:
        """The ROS time now (stamps missing headers)."""


Kind = Callable[[Any, str, str], Any]  # (value, op name, key) -> checked value
Spec = tuple[tuple[bool, str, Kind], ...]
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_~")


def TEXT(value: Any, op: str, key: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 256:
        raise BridgeError(f"{op}: '{key}' must be a non-empty string")
    return value


def NAME(value: Any, op: str, key: str) -> str:
    """A graph name (topic or service), made global."""
    value = TEXT(value, op, key)
    if not _NAME_CHARS.issuperset(value):
        raise BridgeError(f"{op}: {value!r:.80} is not a valid ROS name")
    return value if value.startswith("/") else "/" + value


def TOPIC(value: Any, op: str, key: str) -> str:
    """A topic name that must be in topics_glob (checked by `check`)."""
    return NAME(value, op, key)


def SERVICE(value: Any, op: str, key: str) -> str:
    """A service name that must be in services_glob (checked by `check`)."""
    return NAME(value, op, key)


def OPTIONAL_TEXT(value: Any, op: str, key: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 256:
        raise BridgeError(f"{op}: '{key}' must be a string")
    return value


def COUNT(value: Any, op: str, key: str) -> int:
    """A non-negative number (None: 0), truncated to an int."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 2**31:
        raise BridgeError(f"{op}: '{key}' must be a non-negative number")
    return int(value)


def INTEGER(value: Any, op: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise BridgeError(f"{op}: {key} must be a non-negative integer")
    return value


def OBJECT(value: Any, op: str, key: str) -> dict:
    if not isinstance(value, dict):
        raise BridgeError(f"{op}: '{key}' must be an object")
    return value


def ARGS(value: Any, op: str, key: str) -> dict | list:
    if not isinstance(value, dict | list):
        raise BridgeError(f"{op}: '{key}' must be an object or a list")
    return value


def SECONDS(value: Any, op: str, key: str) -> float | None:
    """A positive number of seconds; anything else means "the default" (None)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e9:
        return None
    return float(value)


def FLAG(value: Any, op: str, key: str) -> bool:
    return bool(value)


def LEVEL(value: Any, op: str, key: str) -> int:
    if value not in LEVELS:
        raise BridgeError(f"{op}: level must be one of {sorted(LEVELS)}")
    return LEVELS[value]


def ANY(value: Any, op: str, key: str) -> Any:
    return value


def ID(value: Any, op: str, key: str) -> str | int | None:
    """An op's id, kept only when it is a string or an integer."""
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def check(op: dict, spec: Spec, config: BridgeConfig) -> dict[str, Any]:
    """The op's fields checked by `spec` (missing optional ones absent), or BridgeError."""
    name = op["op"]
    values: dict[str, Any] = {"op": name, "id": ID(op.get("id"), name, "id")}
    for required, key, kind in spec:
        if key not in op:
            if required:
                kind(None, name, key)  # raises with the field's own wording
            continue
        values[key] = kind(op[key], name, key)
    for _, key, kind in spec:
        if kind is TOPIC and key in values and not config.topic_allowed(values[key]):
            raise BridgeError(f"topic {values[key]} is not in the bridge's allow-list")
        if kind is SERVICE and key in values and not config.service_allowed(values[key]):
            raise BridgeError(f"service {values[key]} is not in the bridge's allow-list")
    return values
