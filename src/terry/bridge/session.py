"""One rosbridge v2 client (Session): its frames in, checked and dispatched; its frames out.

ROS-free: the ROS side is a RosPort (terry.bridge.protocol). Every op is checked against its
declared fields before anything happens, so a bad op changes nothing. Errors go back as a
`status` op only to clients that asked for status with set_level (roslibpy raises on status ops
it did not ask for); a failed call_service is always answered with a service_response whose
result is false; every other error is logged (rate-limited per client).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import orjson

from terry.bridge.config import BridgeConfig
from terry.bridge.convert import ConversionError, dumps
from terry.bridge.fragments import fragments
from terry.bridge.hub import Hub
from terry.bridge.ops.services import Services
from terry.bridge.ops.topics import Topics
from terry.bridge.outbox import Frame, Outbox
from terry.bridge.protocol import LEVEL, LEVELS, BridgeError, RosPort, Spec, check

LOG = logging.getLogger("terry.bridge")
# ops that change the ROS graph (master registrations): rate-limited per client
GRAPH_OPS = frozenset(
    {
        "subscribe",
        "unsubscribe",
        "advertise",
        "unadvertise",
        "advertise_service",
        "unadvertise_service",
    }
)


class RateLimit:
    """A token bucket: `rate` a second on average, bursts of `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.time = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.time) * self.rate)
        self.time = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
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
        self.ros, self.hub, self.config = ros, hub, config
        self._post, self._wake = post, wake
        self.name = name or f"client{next(self._ids)}"
        self.outbox = Outbox(config.client_queue_length, config.client_queue_bytes)
        self.level = 0
        self.closed = False
        self.topics = Topics(self)
        self.services = Services(self, executor)
        self._fragment_ids = itertools.count(1)
        self._graph_ops = RateLimit(config.graph_ops_per_second, 4 * config.graph_ops_per_second)
        self._log_times: deque[float] = deque(maxlen=10)
        self._suppressed = 0
        self._ops: dict[str, tuple[Spec, Callable[[dict], None]]] = {
            "set_level": (((True, "level", LEVEL),), self._set_level)
        }
        for family in (self.topics, self.services):
            for name, spec in family.SPECS.items():
                self._ops[name] = (spec, getattr(family, name))

    # ------------------------------------------------------------ input

    def handle(self, text: str | bytes) -> None:
        """One frame from the client: parse, check, act; never raises."""
        op: Any = None
        try:
            op = orjson.loads(text)
            if not isinstance(op, dict):
                raise BridgeError("a frame must be a JSON object with an 'op' field")
            name = op.get("op")
            entry = self._ops.get(name) if isinstance(name, str) else None
            if entry is None:
                raise BridgeError(f"unknown or unsupported op {name!r:.40}")
            spec, handler = entry
            if name in GRAPH_OPS and not self._graph_ops.take():
                raise BridgeError(
                    f"{name} refused: more than {self.config.graph_ops_per_second:g} subscribe, "
                    "advertise and similar ops a second from this client"
                )
            handler(check(op, spec, self.config))
        except (BridgeError, ConversionError) as exc:
            self.error(op, str(exc))
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            self.error(op, f"malformed JSON: {str(exc)[:200]}")
        except Exception as exc:  # a bug must not take the client down; say what happened
            LOG.exception("%s: unexpected error handling an op", self.name)
            self.error(op, f"internal error: {type(exc).__name__}")

    def _set_level(self, op: dict) -> None:
        self.level = op["level"]

    def error(self, op: Any, message: str) -> None:
        """Tell the client (status if it asked; service_response for calls) and log."""
        op = op if isinstance(op, dict) else {}
        op_id = op.get("id") if isinstance(op.get("id"), str | int) else None
        if op.get("op") == "call_service" and op_id is not None:
            self.reply(
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
            self.reply(status)

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

    def reply(self, message: dict) -> None:
        self.push(Outbox.REPLIES, dumps(message))

    def push(self, key: str, frame: Frame) -> None:
        if not self.closed:
            self.outbox.push(key, frame)
            self._wake()

    def deliver(self, topic: str, frame: bytes) -> None:
        """A publish frame from the Hub, fragmented if this client asked for it."""
        size = self.topics.fragment_size.get(topic, 0)
        if size and len(frame) > size:
            frame = fragments(frame, size, f"publish:{topic}:{next(self._fragment_ids)}")
        self.push(topic, frame)

    def post(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the loop thread (from any thread)."""
        self._post(callback)

    # ------------------------------------------------------------ teardown

    def close(self) -> None:
        """The client left: release everything it held."""
        if self.closed:
            return
        self.closed = True
        self.topics.close()
        self.services.close()
