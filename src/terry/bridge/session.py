"""The rosbridge v2 protocol for one client (Session) and the fan-out of ROS messages (Hub).

ROS-free: the ROS side is a RosPort (the adapter node implements it). Every op is validated
before anything happens; a bad op changes nothing. Errors go back as a `status` op only to
clients that asked for status with set_level (roslibpy raises on status ops it did not ask
for); a failed call_service is always answered with a service_response whose result is false;
every other error is logged (rate-limited per client).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import orjson

from terry.bridge.config import BridgeConfig
from terry.bridge.convert import ConversionError, dumps, from_json, to_json
from terry.bridge.outbox import Frame, Outbox

LOG = logging.getLogger("terry.bridge")
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

    def call_service(self, service: str, args: Any, timeout: float) -> dict:
        """Call a ROS (or rosapi) service, blocking; returns the response as JSON."""

    def advertise_service(self, owner: object, service: str, type_name: str, handler: Any) -> None:
        """Offer `service` in ROS; handler(request_json) -> concurrent Future of response JSON."""

    def unadvertise_service(self, owner: object, service: str) -> None: ...

    def now(self) -> Any:
        """The ROS time now (stamps missing headers)."""


def publish_frame(topic: str, msg: dict) -> bytes:
    return b'{"op":"publish","topic":%b,"msg":%b}' % (dumps(topic), dumps(msg))


def _fragments(frame: bytes, size: int, frag_id: str) -> tuple[bytes, ...]:
    text = frame.decode()
    parts = [text[i : i + size] for i in range(0, len(text), size)]
    return tuple(
        dumps({"op": "fragment", "id": frag_id, "data": p, "num": n, "total": len(parts)})
        for n, p in enumerate(parts)
    )


class Hub:
    """ROS messages in (from any thread), publish frames out to the subscribed sessions."""

    def __init__(self, post: Callable[[Callable[[], None]], None]) -> None:
        self._post = post  # run a callable on the event loop, from any thread
        self._inbox: deque[tuple[str, bytes, bool]] = deque()
        self._lock = threading.Lock()
        self._wake_pending = False
        self.subscribers: dict[str, set[Session]] = {}
        self.latched: dict[str, bytes] = {}

    def on_ros_message(self, topic: str, msg: Any, latched: bool = False) -> None:
        """Called by the adapter in ROS threads: convert once, hand over to the loop."""
        try:
            frame = publish_frame(topic, to_json(msg))
        except (ValueError, TypeError, ConversionError) as exc:
            LOG.warning("cannot convert a message on %s to JSON: %s", topic, exc)
            return
        with self._lock:
            self._inbox.append((topic, frame, latched))
            if self._wake_pending:
                return
            self._wake_pending = True
        self._post(self._drain)

    def _drain(self) -> None:
        with self._lock:
            items = list(self._inbox)
            self._inbox.clear()
            self._wake_pending = False
        for topic, frame, latched in items:
            if latched:
                self.latched[topic] = frame
            for session in tuple(self.subscribers.get(topic, ())):
                session.deliver(topic, frame)

    def add(self, topic: str, session: Session) -> bool:
        """Register a subscriber; True if it is the first for that topic."""
        first = topic not in self.subscribers
        self.subscribers.setdefault(topic, set()).add(session)
        if topic in self.latched:
            session.deliver(topic, self.latched[topic])
        return first

    def discard(self, topic: str, session: Session) -> bool:
        """Unregister; True if nobody is left on that topic."""
        sessions = self.subscribers.get(topic)
        if sessions is None:
            return False
        sessions.discard(session)
        if sessions:
            return False
        del self.subscribers[topic]
        self.latched.pop(topic, None)
        return True


class Session:
    """One WebSocket client: its ops in, its frames out (through its Outbox). Loop thread only."""

    _ids = itertools.count(1)

    def __init__(
        self,
        ros: RosPort,
        hub: Hub,
        config: BridgeConfig,
        executor: concurrent.futures.Executor,
        post: Callable[[Callable[[], None]], None],
        wake: Callable[[], None],
        name: str = "",
    ) -> None:
        self.ros, self.hub, self.config, self.executor = ros, hub, config, executor
        self._post, self._wake = post, wake
        self.name = name or f"client{next(self._ids)}"
        self.outbox = Outbox(config.client_queue_length, config.client_queue_bytes)
        self.level = 0
        self.closed = False
        self.advertised: dict[str, type] = {}
        self.subscriptions: dict[str, dict[str | None, tuple[int, int, int]]] = {}
        self.fragment_size: dict[str, int] = {}
        self.services: set[str] = set()
        self.pending_calls = 0
        self._requests: dict[str, concurrent.futures.Future] = {}
        self._request_ids = itertools.count(1)
        self._log_times: deque[float] = deque(maxlen=10)
        self._suppressed = 0
        self._handlers = {
            "publish": self._publish,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "advertise": self._advertise,
            "unadvertise": self._unadvertise,
            "call_service": self._call_service,
            "service_response": self._service_response,
            "advertise_service": self._advertise_service,
            "unadvertise_service": self._unadvertise_service,
            "set_level": self._set_level,
        }

    # ------------------------------------------------------------ input

    def handle(self, text: str | bytes) -> None:
        """One frame from the client: parse, validate, act; never raises."""
        op: Any = None
        try:
            op = orjson.loads(text)
            if not isinstance(op, dict):
                raise BridgeError("a frame must be a JSON object with an 'op' field")
            name = op.get("op")
            handler = self._handlers.get(name) if isinstance(name, str) else None
            if handler is None:
                raise BridgeError(f"unknown or unsupported op {name!r:.40}")
            handler(op)
        except (BridgeError, ConversionError) as exc:
            self.error(op, str(exc))
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            self.error(op, f"malformed JSON: {str(exc)[:200]}")
        except Exception as exc:  # a bug must not take the client down; say what happened
            LOG.exception("%s: unexpected error handling an op", self.name)
            self.error(op, f"internal error: {type(exc).__name__}")

    def error(self, op: Any, message: str) -> None:
        """Tell the client (status if it asked; service_response for calls) and log."""
        op = op if isinstance(op, dict) else {}
        op_id = op.get("id") if isinstance(op.get("id"), str | int) else None
        if op.get("op") == "call_service" and op_id is not None:
            self._reply(
                {
                    "op": "service_response",
                    "id": op_id,
                    "service": str(op.get("service", ""))[:200],
                    "values": message,
                    "result": False,
                }
            )
        self.status("error", message, op_id)
        self._log(message)

    def status(self, level: str, message: str, op_id: Any = None) -> None:
        if self.level >= LEVELS[level]:
            status = {"op": "status", "level": level, "msg": message}
            if op_id is not None:
                status["id"] = op_id
            self._reply(status)

    def _log(self, message: str) -> None:
        now = time.monotonic()
        if len(self._log_times) == self._log_times.maxlen and now - self._log_times[0] < 10.0:
            self._suppressed += 1
            return
        if self._suppressed:
            message += f" ({self._suppressed} more errors not logged)"
            self._suppressed = 0
        self._log_times.append(now)
        LOG.warning("%s: %s", self.name, message)

    # ------------------------------------------------------------ output

    def _reply(self, message: dict) -> None:
        self.push(Outbox.REPLIES, dumps(message))

    def push(self, key: str, frame: Frame) -> None:
        if not self.closed:
            self.outbox.push(key, frame)
            self._wake()

    def deliver(self, topic: str, frame: bytes) -> None:
        size = self.fragment_size.get(topic, 0)
        if size and len(frame) > size:
            frame = _fragments(frame, size, f"publish:{topic}:{next(self._request_ids)}")
        self.push(topic, frame)

    def post(self, callback: Callable[[], None]) -> None:
        self._post(callback)

    # ------------------------------------------------------------ ops

    def _publish(self, op: dict) -> None:
        topic = _name(op, "topic")
        msg = op.get("msg", {})
        if not isinstance(msg, dict):
            raise BridgeError(f"publish to {topic}: 'msg' must be an object")
        cls = self.advertised.get(topic)
        if cls is None:
            type_name = self.ros.topic_type(topic) if self.config.topic_allowed(topic) else None
            if type_name is None:
                raise BridgeError(f"publish to {topic}: advertise it first (type unknown)")
            self._advertise({"topic": topic, "type": type_name})
            cls = self.advertised[topic]
        self.ros.publish(topic, from_json(cls, msg, self.ros.now))

    def _advertise(self, op: dict) -> None:
        topic = _name(op, "topic")
        type_name = _text(op, "type")
        if not self.config.topic_allowed(topic):
            raise BridgeError(f"topic {topic} is not in the bridge's allow-list")
        latch = bool(op.get("latch", False))
        queue_size = op.get("queue_size", 100)
        if isinstance(queue_size, bool) or not isinstance(queue_size, int) or queue_size < 0:
            raise BridgeError("advertise: queue_size must be a non-negative integer")
        if topic in self.advertised:
            if self.advertised[topic]._type != type_name.replace("/msg/", "/"):
                raise BridgeError(f"{topic} is already advertised with another type")
            return
        self.advertised[topic] = self.ros.advertise(
            self, topic, type_name, latch, min(queue_size, 1000) or 100
        )

    def _unadvertise(self, op: dict) -> None:
        topic = _name(op, "topic")
        if self.advertised.pop(topic, None) is not None:
            self.ros.unadvertise(self, topic)

    def _subscribe(self, op: dict) -> None:
        topic = _name(op, "topic")
        if not self.config.topic_allowed(topic):
            raise BridgeError(f"topic {topic} is not in the bridge's allow-list")
        type_name = op.get("type") or None
        if type_name is not None and not isinstance(type_name, str):
            raise BridgeError("subscribe: 'type' must be a string")
        throttle = _count(op, "throttle_rate")
        queue_length = _count(op, "queue_length")
        fragment = _count(op, "fragment_size")
        subs = self.subscriptions.get(topic)
        if subs is None:
            if len(self.subscriptions) >= self.config.max_subscriptions_per_client:
                raise BridgeError("too many subscriptions for one client")
            self.ros.subscribe(topic, type_name)  # validates the type first
            subs = self.subscriptions[topic] = {}
        subs[op.get("id") if isinstance(op.get("id"), str) else None] = (
            throttle,
            queue_length,
            fragment,
        )
        self._configure(topic)
        if len(subs) == 1:
            self.hub.add(topic, self)

    def _configure(self, topic: str) -> None:
        subs = self.subscriptions[topic].values()
        throttle = min(s[0] for s in subs)
        queue_length = max(s[1] for s in subs)
        fragments = [s[2] for s in subs if s[2]]
        self.fragment_size[topic] = min(fragments) if fragments else 0
        self.outbox.configure(topic, throttle, queue_length)

    def _unsubscribe(self, op: dict) -> None:
        topic = _name(op, "topic")
        subs = self.subscriptions.get(topic)
        if subs is None:
            return
        sub_id = op.get("id")
        if sub_id in subs and len(subs) > 1:
            del subs[sub_id]
            self._configure(topic)
            return
        self._drop_subscription(topic)

    def _drop_subscription(self, topic: str) -> None:
        del self.subscriptions[topic]
        self.fragment_size.pop(topic, None)
        self.outbox.remove(topic)
        if self.hub.discard(topic, self):
            self.ros.unsubscribe(topic)

    def _call_service(self, op: dict) -> None:
        service = _name(op, "service")
        if not self.config.service_allowed(service):
            raise BridgeError(f"service {service} is not in the bridge's allow-list")
        args = op.get("args", {})
        if not isinstance(args, dict | list):
            raise BridgeError("call_service: 'args' must be an object or a list")
        timeout = op.get("timeout", self.config.service_timeout)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            timeout = self.config.service_timeout
        if self.pending_calls >= self.config.max_pending_service_calls:
            raise BridgeError(f"too many service calls in progress; {service} not called")
        self.pending_calls += 1
        future = self.executor.submit(
            self.ros.call_service, service, args, min(float(timeout), 300.0)
        )
        future.add_done_callback(lambda f: self._post(lambda: self._service_done(op, f)))

    def _service_done(self, op: dict, future: concurrent.futures.Future) -> None:
        self.pending_calls -= 1
        try:
            values = future.result()
        except (BridgeError, ConversionError) as exc:
            self.error(op, str(exc))
            return
        except Exception as exc:
            self.error(op, f"service {op.get('service')} failed: {exc}")
            return
        reply = {"op": "service_response", "service": op["service"], "values": values}
        if "id" in op:
            reply["id"] = op["id"]
        reply["result"] = True
        self._reply(reply)

    def _advertise_service(self, op: dict) -> None:
        service = _name(op, "service")
        type_name = _text(op, "type")
        if not self.config.service_allowed(service):
            raise BridgeError(f"service {service} is not in the bridge's allow-list")
        if service in self.services:
            return
        self.ros.advertise_service(self, service, type_name, self._request_handler(service))
        self.services.add(service)

    def _request_handler(self, service: str) -> Callable[[dict], concurrent.futures.Future]:
        def request(args: dict) -> concurrent.futures.Future:
            """From a ROS thread: ask the client, the future holds its answer."""
            future: concurrent.futures.Future = concurrent.futures.Future()
            self._post(lambda: self._send_request(service, args, future))
            return future

        return request

    def _send_request(self, service: str, args: dict, future: concurrent.futures.Future) -> None:
        if self.closed or service not in self.services:
            future.set_exception(BridgeError(f"{service}: its provider left"))
            return
        if len(self._requests) >= self.config.max_pending_service_calls:
            future.set_exception(BridgeError(f"{service}: its provider is too busy"))
            return
        request_id = f"service_request:{service}:{next(self._request_ids)}"
        self._requests[request_id] = future
        future.add_done_callback(lambda _: self._post(lambda: self._requests.pop(request_id, None)))
        self._reply({"op": "call_service", "id": request_id, "service": service, "args": args})

    def _service_response(self, op: dict) -> None:
        future = self._requests.pop(op.get("id"), None) if isinstance(op.get("id"), str) else None
        if future is None:
            raise BridgeError("service_response for no pending request")
        if future.done():
            return
        if op.get("result", True) is False:
            future.set_exception(BridgeError(f"the client failed: {str(op.get('values'))[:200]}"))
        else:
            values = op.get("values", {})
            future.set_result(values if values is not None else {})

    def _unadvertise_service(self, op: dict) -> None:
        service = _name(op, "service")
        if service in self.services:
            self.services.discard(service)
            self.ros.unadvertise_service(self, service)
            self._fail_requests(service)

    def _fail_requests(self, service: str | None) -> None:
        for request_id, future in list(self._requests.items()):
            if service is None or request_id.startswith(f"service_request:{service}:"):
                del self._requests[request_id]
                if not future.done():
                    future.set_exception(BridgeError("the service's provider left"))

    def _set_level(self, op: dict) -> None:
        level = op.get("level")
        if level not in LEVELS:
            raise BridgeError(f"set_level: level must be one of {sorted(LEVELS)}")
        self.level = LEVELS[level]

    # ------------------------------------------------------------ teardown

    def close(self) -> None:
        """The client left: release everything it held."""
        if self.closed:
            return
        self.closed = True
        for topic in list(self.subscriptions):
            self._drop_subscription(topic)
        for topic in list(self.advertised):
            self.advertised.pop(topic)
            self.ros.unadvertise(self, topic)
        for service in list(self.services):
            self.services.discard(service)
            self.ros.unadvertise_service(self, service)
        self._fail_requests(None)


def _text(op: dict, key: str) -> str:
    value = op.get(key)
    if not isinstance(value, str) or not value or len(value) > 256:
        raise BridgeError(f"{op.get('op')}: '{key}' must be a non-empty string")
    return value


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_~")


def _name(op: dict, key: str) -> str:
    """A graph name (topic or service), made global."""
    value = _text(op, key)
    if not _NAME_CHARS.issuperset(value):
        raise BridgeError(f"{op.get('op')}: {value!r:.80} is not a valid ROS name")
    return value if value.startswith("/") else "/" + value


def _count(op: dict, key: str) -> int:
    value = op.get(key, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 2**31:
        raise BridgeError(f"{op.get('op')}: '{key}' must be a non-negative number")
    return int(value)
