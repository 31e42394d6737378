"""rosbridge v2 WebSocket server for roslibjs and roslibpy, with the rosapi services built in.

Params: ~config (YAML, default config/bridge.yaml), and any setting of it as a private param:
~address (127.0.0.1), ~port (9090; 0 picks a free one), ~token_file, ~topics_glob,
~services_glob, ~params_glob, ~allowed_origins, ~max_message_bytes, ... (see docs/bridge.md).
The token (required to listen on any other address) comes from TERRY_TOKEN or ~token_file and
never from a parameter. The ROS side (RosAdapter) is here with the node: over 300 lines because
it is one class, the bridge's RosPort.
Publishes /client_count (std_msgs/Int32, latched).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from typing import Any

import rosgraph
import rospy
import rosservice
import yaml
from std_msgs.msg import Int32

from terry.bridge.config import BridgeConfig, ConfigError
from terry.bridge.convert import ConversionError, from_json, message_class, service_class, to_json
from terry.bridge.hub import Hub
from terry.bridge.protocol import BridgeError
from terry.bridge.rosapi import Rosapi
from terry.bridge.server import BridgeServer
from terry.paths import package_file

_REPLAY_WINDOW = 1.0  # s after advertise whose messages are replayed to late subscribers
_TYPES_MAX_AGE = 0.5  # s a copy of the master's topic types is used (a flood asks it once)


class _Replay(rospy.SubscribeListener):
    """Messages published just after advertise reach subscribers that connect a bit later."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.messages: deque = deque(maxlen=100)

    def record(self, msg: Any) -> None:
        if time.monotonic() - self.start < _REPLAY_WINDOW:
            self.messages.append(msg)

    def peer_subscribe(self, topic_name: str, topic_publish: Any, peer_publish: Any) -> None:
        if time.monotonic() - self.start < _REPLAY_WINDOW + 1.0:
            for msg in list(self.messages):
                peer_publish(msg)


class _Advertised:
    def __init__(self, topic: str, cls: type, latch: bool, queue_size: int) -> None:
        self.cls = cls
        self.replay = _Replay()
        self.publisher = rospy.Publisher(
            topic, cls, latch=latch, queue_size=queue_size, subscriber_listener=self.replay
        )
        self.owners: set[int] = set()
        self.timer: threading.Timer | None = None


class _PerThreadMaster(threading.local):
    """rosgraph.Master for the calling thread (its XML-RPC connection is not thread-safe)."""

    def __init__(self, caller_id: str) -> None:
        self.master = rosgraph.Master(caller_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.master, name)


class RosAdapter:
    """The bridge's RosPort on rospy: shared publishers/subscribers, services, rosapi."""

    def __init__(self, config: BridgeConfig) -> None:
        self.config = config
        self.hub: Hub | None = None
        self.master = _PerThreadMaster(rospy.get_name())
        self.rosapi = Rosapi(self.master, config, self._service_type, rospy.Time.now)
        self._lock = threading.Lock()
        self._publishers: dict[str, _Advertised] = {}
        self._subscribers: dict[str, tuple[rospy.Subscriber, str | None]] = {}
        self._services: dict[str, tuple[rospy.Service, int]] = {}
        self._service_types: dict[tuple[str, str], str] = {}
        self._types: dict[str, str] = {}
        self._lingering: dict[str, threading.Timer] = {}
        self._types_time = -1e9
        self._client_count = rospy.Publisher("/client_count", Int32, latch=True, queue_size=1)
        self._client_count.publish(Int32(0))

    def now(self) -> Any:
        return rospy.Time.now()

    def client_count(self, count: int) -> None:
        self._client_count.publish(Int32(count))

    # ---------------------------------------------------------------- topics

    def advertise(self, owner: object, topic: str, type_name: str, latch: bool, queue_size: int):
        cls = _message_class(type_name)
        with self._lock:
            entry = self._publishers.get(topic)
            if entry is not None and entry.cls is not cls:
                raise BridgeError(f"{topic} is already published as {entry.cls._type}")
            if entry is None:
                entry = self._publishers[topic] = _Advertised(topic, cls, latch, queue_size)
            if entry.timer is not None:
                entry.timer.cancel()
                entry.timer = None
            entry.owners.add(id(owner))
        return cls

    def unadvertise(self, owner: object, topic: str) -> None:
        with self._lock:
            entry = self._publishers.get(topic)
            if entry is None:
                return
            entry.owners.discard(id(owner))
            if not entry.owners and entry.timer is None:
                entry.timer = threading.Timer(
                    self.config.unregister_timeout, self._unregister, (topic, entry)
                )
                entry.timer.daemon = True
                entry.timer.start()

    def _unregister(self, topic: str, entry: _Advertised) -> None:
        with self._lock:
            if entry.owners or self._publishers.get(topic) is not entry:
                return
            del self._publishers[topic]
        entry.publisher.unregister()

    def publish(self, topic: str, msg: Any) -> None:
        entry = self._publishers.get(topic)
        if entry is None:
            raise BridgeError(f"{topic} is not advertised")
        entry.replay.record(msg)
        entry.publisher.publish(msg)

    def topic_type(self, topic: str) -> str | None:
        """The master's type of `topic`, from a copy at most _TYPES_MAX_AGE s old."""
        now = time.monotonic()
        if now - self._types_time > _TYPES_MAX_AGE:
            try:
                self._types = dict(self.master.getTopicTypes())
            except (rosgraph.MasterException, OSError):
                self._types = {}
            self._types_time = now
        return self._types.get(topic)

    def subscribe(self, topic: str, type_name: str | None) -> None:
        cls = _message_class(type_name) if type_name else None
        with self._lock:
            lingering = self._lingering.pop(topic, None)
            if lingering is not None:
                lingering.cancel()
            existing = self._subscribers.get(topic)
            if existing is not None:
                known = existing[1]
                if cls is not None and known is not None and known != cls._type:
                    raise BridgeError(f"{topic} is subscribed as {known}, not {cls._type}")
                return
            if cls is None:
                found = self.topic_type(topic)
                cls = _message_class(found) if found else rospy.AnyMsg
            hub = self.hub

            def deliver(msg: Any) -> None:
                header = getattr(msg, "_connection_header", None) or {}
                latched_by = header.get("callerid", "?") if header.get("latching") == "1" else ""
                if not hub.wanted(topic, bool(latched_by)):
                    return  # lingering after its last client: nobody to convert it for
                if isinstance(msg, rospy.AnyMsg):
                    try:
                        msg = message_class(header["type"])().deserialize(msg._buff)
                    except (KeyError, ConversionError, Exception) as exc:
                        rospy.logwarn_throttle(10, f"cannot decode a message on {topic}: {exc}")
                        return
                hub.on_ros_message(topic, msg, latched_by)

            subscriber = rospy.Subscriber(topic, cls, deliver, queue_size=1000)
            known_type = None if cls is rospy.AnyMsg else cls._type
            self._subscribers[topic] = (subscriber, known_type)

    def unsubscribe(self, topic: str) -> None:
        """Unregister after unregister_timeout, unless a client subscribes again (churn is free)."""
        with self._lock:
            if topic not in self._subscribers or topic in self._lingering:
                return
            timer = threading.Timer(self.config.unregister_timeout, self._drop_subscriber, (topic,))
            timer.daemon = True
            self._lingering[topic] = timer
            timer.start()

    def _drop_subscriber(self, topic: str) -> None:
        with self._lock:
            if self._lingering.get(topic) is not threading.current_thread():
                return  # subscribed again meanwhile
            del self._lingering[topic]
            entry = self._subscribers.pop(topic)
        entry[0].unregister()
        self.hub.forget(topic)

    # ---------------------------------------------------------------- services

    def _service_type(self, service: str) -> str | None:
        try:
            uri = self.master.lookupService(service)
        except (rosgraph.MasterException, OSError):
            return None
        key = (service, uri)
        if key not in self._service_types:
            try:
                found = rosservice.get_service_type(service)
            except rosservice.ROSServiceException:
                found = None
            if not found:
                return None
            self._service_types[key] = found
        return self._service_types[key]

    def service_exists(self, service: str) -> bool:
        try:
            self.master.lookupService(service)
        except rosgraph.MasterError:
            return False  # "no provider"
        except (rosgraph.MasterException, OSError):
            return True  # cannot tell: do not let a client take the name
        return True

    def call_service(self, service: str, args: Any, timeout: float) -> dict:
        if Rosapi.handles(service):
            try:
                return self.rosapi.call(service, args)
            except (rosgraph.MasterException, OSError) as exc:
                raise BridgeError(f"{service}: {exc}") from None
        type_name = self._service_type(service)
        if type_name is None:
            raise BridgeError(f"service {service} does not exist")
        srv = _service_class(type_name)
        request_cls = srv._request_class
        if isinstance(args, list):
            args = dict(zip(request_cls.__slots__, args, strict=False))
        request = from_json(request_cls, args)
        # persistent: close() from the timer then ends a call that is still waiting (timeout)
        proxy = rospy.ServiceProxy(service, srv, persistent=True)
        expired = threading.Event()  # set before the close, so the caller knows why it failed

        def expire() -> None:
            expired.set()
            proxy.close()

        timer = threading.Timer(timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            return to_json(proxy.call(request))
        except Exception as exc:  # rospy's, or the transport closed under it by the timer
            reason = f"did not answer within {timeout:g} s" if expired.is_set() else exc
            raise BridgeError(f"service {service} failed: {reason}") from None
        finally:
            timer.cancel()
            proxy.close()

    def advertise_service(self, owner: object, service: str, type_name: str, handler: Any) -> None:
        srv = _service_class(type_name)
        with self._lock:
            if service in self._services:
                raise BridgeError(f"{service} is already offered by another client")
            timeout = self.config.service_timeout

            def answer(request: Any) -> Any:
                future = handler(to_json(request))
                try:
                    values = future.result(timeout=timeout)
                except Exception as exc:
                    raise rospy.ServiceException(f"{service}: {exc}") from None
                try:
                    return from_json(srv._response_class, values)
                except ConversionError as exc:
                    raise rospy.ServiceException(f"{service}: bad response: {exc}") from None

            self._services[service] = (rospy.Service(service, srv, answer), id(owner))

    def unadvertise_service(self, owner: object, service: str) -> None:
        with self._lock:
            entry = self._services.get(service)
            if entry is None or entry[1] != id(owner):
                return
            del self._services[service]
        entry[0].shutdown("its bridge client left")


def _message_class(type_name: str) -> type:
    try:
        return message_class(type_name)
    except ConversionError as exc:
        raise BridgeError(str(exc)) from None


def _service_class(type_name: str) -> type:
    try:
        return service_class(type_name)
    except ConversionError as exc:
        raise BridgeError(str(exc)) from None


class _RospyLog(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        if record.levelno >= logging.ERROR:
            rospy.logerr(text)
        elif record.levelno >= logging.WARNING:
            rospy.logwarn(text)
        else:
            rospy.loginfo(text)


def load_config() -> BridgeConfig:
    """config/bridge.yaml (or ~config), overridden by private params; the token from
    TERRY_TOKEN or token_file, never from a ROS parameter (anyone who reaches the master reads
    those)."""
    if rospy.has_param("~token"):
        raise ConfigError(
            "the token must not be a ROS parameter (anyone on the network could read it): "
            "pass it in TERRY_TOKEN or in a private file named by ~token_file"
        )
    path = rospy.get_param("~config", str(package_file("config", "bridge.yaml")))
    with open(path) as file:
        values = yaml.safe_load(file) or {}
    for name in BridgeConfig.__dataclass_fields__:
        if name != "token" and rospy.has_param(f"~{name}"):
            values[name] = rospy.get_param(f"~{name}")
    token = os.environ.get("TERRY_TOKEN", "")
    if not token and values.get("token_file"):
        with open(values["token_file"]) as file:
            token = file.read().strip()
    values["token"] = str(token or values.get("token") or "")
    return BridgeConfig.from_dict(values)


def main() -> None:
    rospy.init_node("rosbridge")
    logger = logging.getLogger("terry.bridge")
    logger.addHandler(_RospyLog())
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        config = load_config()
    except (ConfigError, OSError, yaml.YAMLError, TypeError) as exc:
        rospy.logfatal(f"rosbridge: {exc}")
        sys.exit(2)
    adapter = RosAdapter(config)
    server = BridgeServer(config, adapter)
    adapter.hub = server.hub
    server.on_clients_changed = adapter.client_count
    try:
        server.start()
    except OSError as exc:
        rospy.logfatal(f"rosbridge: cannot listen on {config.address}:{config.port}: {exc}")
        sys.exit(2)
    rospy.loginfo(f"rosbridge listening on ws://{config.address}:{server.port}")
    rospy.on_shutdown(server.stop)
    rospy.spin()
