"""Topic ops of one client: publish, advertise, unadvertise, subscribe, unsubscribe.

A topic's type is the graph's: the one in Terry's declared table (config terry_topics), else the
one the master knows; a client that names another type is refused, and nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from terry.bridge.convert import from_json, ros_type_name
from terry.bridge.protocol import (
    COUNT,
    FLAG,
    INTEGER,
    NAME,
    OBJECT,
    OPTIONAL_TEXT,
    TEXT,
    TOPIC,
    BridgeError,
    Spec,
)

if TYPE_CHECKING:
    from terry.bridge.session import Session


class Topics:
    """The topics one session publishes and subscribes to, with their per-subscription options."""

    SPECS: ClassVar[dict[str, Spec]] = {
        "publish": ((True, "topic", TOPIC), (False, "msg", OBJECT)),
        "advertise": (
            (True, "topic", TOPIC),
            (True, "type", TEXT),
            (False, "latch", FLAG),
            (False, "queue_size", INTEGER),
        ),
        "unadvertise": ((True, "topic", NAME),),
        "subscribe": (
            (True, "topic", TOPIC),
            (False, "type", OPTIONAL_TEXT),
            (False, "throttle_rate", COUNT),
            (False, "queue_length", COUNT),
            (False, "fragment_size", COUNT),
        ),
        "unsubscribe": ((True, "topic", NAME),),
    }

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ros = session.ros
        self.advertised: dict[str, type] = {}
        # topic -> subscription id -> (throttle_rate ms, queue_length, fragment_size)
        self.subscriptions: dict[str, dict[Any, tuple[int, int, int]]] = {}
        self.fragment_size: dict[str, int] = {}

    def graph_type(self, topic: str) -> str | None:
        """The type `topic` must have: Terry's declared one, else the master's (None: free)."""
        return self.session.config.terry_topics.get(topic) or self.ros.topic_type(topic)

    def _check_type(self, topic: str, type_name: str) -> None:
        expected = self.graph_type(topic)
        if expected and ros_type_name(expected) != ros_type_name(type_name):
            raise BridgeError(f"{topic} is {expected} in the ROS graph, not {type_name}")

    def publish(self, op: dict) -> None:
        topic = op["topic"]
        cls = self.advertised.get(topic)
        if cls is None:
            type_name = self.graph_type(topic)
            if type_name is None:
                raise BridgeError(f"publish to {topic}: advertise it first (type unknown)")
            self.advertise({"topic": topic, "type": type_name})
            cls = self.advertised[topic]
        self.ros.publish(topic, from_json(cls, op.get("msg", {}), self.ros.now))

    def advertise(self, op: dict) -> None:
        topic, type_name = op["topic"], op["type"]
        if topic in self.advertised:
            if self.advertised[topic]._type != type_name.replace("/msg/", "/"):
                raise BridgeError(f"{topic} is already advertised with another type")
            return
        if len(self.advertised) >= self.session.config.max_publishers_per_client:
            raise BridgeError("too many advertised topics for one client")
        self._check_type(topic, type_name)
        queue_size = min(op.get("queue_size", 100), 1000) or 100
        self.advertised[topic] = self.ros.advertise(
            self.session, topic, type_name, op.get("latch", False), queue_size
        )

    def unadvertise(self, op: dict) -> None:
        if self.advertised.pop(op["topic"], None) is not None:
            self.ros.unadvertise(self.session, op["topic"])

    def subscribe(self, op: dict) -> None:
        topic, type_name = op["topic"], op.get("type")
        if type_name:
            self._check_type(topic, type_name)
        subs = self.subscriptions.get(topic)
        if subs is None:
            if len(self.subscriptions) >= self.session.config.max_subscriptions_per_client:
                raise BridgeError("too many subscriptions for one client")
            self.ros.subscribe(topic, type_name or self.session.config.terry_topics.get(topic))
            subs = self.subscriptions[topic] = {}
        subs[op["id"]] = (
            op.get("throttle_rate", 0),
            op.get("queue_length", 0),
            op.get("fragment_size", 0),
        )
        self._configure(topic)
        if len(subs) == 1:
            self.session.hub.add(topic, self.session)

    def _configure(self, topic: str) -> None:
        subs = self.subscriptions[topic].values()
        throttle = min(s[0] for s in subs)
        queue_length = max(s[1] for s in subs)
        fragments = [s[2] for s in subs if s[2]]
        self.fragment_size[topic] = min(fragments) if fragments else 0
        self.session.outbox.configure(topic, throttle, queue_length)

    def unsubscribe(self, op: dict) -> None:
        topic = op["topic"]
        subs = self.subscriptions.get(topic)
        if subs is None:
            return
        if op["id"] in subs and len(subs) > 1:
            del subs[op["id"]]
            self._configure(topic)
            return
        self._drop_subscription(topic)

    def _drop_subscription(self, topic: str) -> None:
        del self.subscriptions[topic]
        self.fragment_size.pop(topic, None)
        self.session.outbox.remove(topic)
        if self.session.hub.discard(topic, self.session):
            self.ros.unsubscribe(topic)

    def close(self) -> None:
        """The client left: drop its subscriptions and publishers."""
        for topic in list(self.subscriptions):
            self._drop_subscription(topic)
        for topic in list(self.advertised):
            self.advertised.pop(topic)
            self.ros.unadvertise(self.session, topic)
