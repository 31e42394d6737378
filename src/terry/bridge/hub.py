"""The fan-out of ROS messages: converted to a publish frame once, delivered to each subscriber."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from terry.bridge.convert import ConversionError, dumps, to_json

LOG = logging.getLogger("terry.bridge")


class Subscriber(Protocol):
    def deliver(self, topic: str, frame: bytes) -> None: ...


def publish_frame(topic: str, msg: dict) -> bytes:
    return b'{"op":"publish","topic":%b,"msg":%b}' % (dumps(topic), dumps(msg))


class Hub:
    """ROS messages in (from any thread), publish frames out to the subscribed sessions.

    The latched message of each publisher of a topic (/tf_static has several) is kept while the
    topic's ROS subscription lives (it lingers after the last client leaves, so that a client
    coming back still gets them), and a new subscriber gets them all."""

    def __init__(self, post: Callable[[Callable[[], None]], None]) -> None:
        self._post = post  # run a callable on the event loop, from any thread
        self._inbox: deque[tuple[str, bytes, str]] = deque()
        self._lock = threading.Lock()
        self._wake_pending = False
        self.subscribers: dict[str, set[Subscriber]] = {}
        self.latched: dict[str, dict[str, bytes]] = {}  # topic -> publisher -> frame

    def wanted(self, topic: str, latched: bool) -> bool:
        """Whether a message on `topic` is worth converting (from any thread; a hint only)."""
        return latched or topic in self.subscribers

    def on_ros_message(self, topic: str, msg: Any, latched_by: str = "") -> None:
        """Called by the adapter in ROS threads: convert once, hand over to the loop.
        latched_by: the publisher (its caller id) of a latched message."""
        try:
            frame = publish_frame(topic, to_json(msg))
        except (ValueError, TypeError, ConversionError) as exc:
            LOG.warning("cannot convert a message on %s to JSON: %s", topic, exc)
            return
        with self._lock:
            self._inbox.append((topic, frame, latched_by))
            if self._wake_pending:
                return
            self._wake_pending = True
        self._post(self._drain)

    def _drain(self) -> None:
        with self._lock:
            items = list(self._inbox)
            self._inbox.clear()
            self._wake_pending = False
        for topic, frame, latched_by in items:
            if latched_by:
                self.latched.setdefault(topic, {})[latched_by] = frame
            for session in tuple(self.subscribers.get(topic, ())):
                session.deliver(topic, frame)

    def add(self, topic: str, session: Subscriber) -> bool:
        """Register a subscriber; True if it is the first for that topic."""
        first = topic not in self.subscribers
        self.subscribers.setdefault(topic, set()).add(session)
        for frame in self.latched.get(topic, {}).values():
            session.deliver(topic, frame)
        return first

    def discard(self, topic: str, session: Subscriber) -> bool:
        """Unregister; True if nobody is left on that topic."""
        sessions = self.subscribers.get(topic)
        if sessions is None:
            return False
        sessions.discard(session)
        if sessions:
            return False
        del self.subscribers[topic]
        return True

    def forget(self, topic: str) -> None:
        """The ROS subscription of `topic` ended (from any thread): drop its latched message."""
        self._post(lambda: self._forget(topic))

    def _forget(self, topic: str) -> None:
        if topic not in self.subscribers:  # nobody subscribed again meanwhile
            self.latched.pop(topic, None)
