"""Service ops of one client: call_service (ROS services and rosapi), and the services a client
offers (advertise_service, service_response, unadvertise_service).

A client's calls run on its own executor (terry.bridge.server gives each client one), at most
max_pending_service_calls at a time, each bounded by its `timeout`: a client waiting on slow
services waits alone. A client offers only names in client_services_glob that no node provides.
"""

from __future__ import annotations

import concurrent.futures
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from terry.bridge.convert import ConversionError
from terry.bridge.protocol import ANY, ARGS, NAME, SECONDS, SERVICE, TEXT, BridgeError, Spec

if TYPE_CHECKING:
    from terry.bridge.session import Session


class Services:
    """One session's calls in progress and the services it offers."""

    SPECS: ClassVar[dict[str, Spec]] = {
        "call_service": (
            (True, "service", SERVICE),
            (False, "args", ARGS),
            (False, "timeout", SECONDS),
        ),
        "advertise_service": ((True, "service", SERVICE), (True, "type", TEXT)),
        "service_response": ((False, "values", ANY), (False, "result", ANY)),
        "unadvertise_service": ((True, "service", NAME),),
    }

    def __init__(self, session: Session, executor: concurrent.futures.Executor) -> None:
        self.session = session
        self.ros = session.ros
        self.config = session.config
        self.executor = executor
        self.offered: set[str] = set()
        self.pending_calls = 0
        self._requests: dict[str, concurrent.futures.Future] = {}
        self._request_ids = itertools.count(1)

    # ------------------------------------------------------------ calls from the client

    def call_service(self, op: dict) -> None:
        service = op["service"]
        if self.pending_calls >= self.config.max_pending_service_calls:
            raise BridgeError(f"too many service calls in progress; {service} not called")
        timeout = min(op.get("timeout") or self.config.service_timeout, 300.0)
        self.pending_calls += 1
        future = self.executor.submit(self.ros.call_service, service, op.get("args", {}), timeout)
        future.add_done_callback(lambda f: self.session.post(lambda: self._call_done(op, f)))

    def _call_done(self, op: dict, future: concurrent.futures.Future) -> None:
        self.pending_calls -= 1
        try:
            values = future.result()
        except (BridgeError, ConversionError) as exc:
            self.session.error(op, str(exc))
            return
        except Exception as exc:
            self.session.error(op, f"service {op['service']} failed: {exc}")
            return
        reply = {"op": "service_response", "service": op["service"], "values": values}
        if op["id"] is not None:
            reply["id"] = op["id"]
        reply["result"] = True
        self.session.reply(reply)

    # ------------------------------------------------------------ services the client offers

    def advertise_service(self, op: dict) -> None:
        service = op["service"]
        if service in self.offered:
            return
        if not self.config.client_may_offer(service):
            raise BridgeError(f"clients may not offer {service} (client_services_glob)")
        if len(self.offered) >= self.config.max_services_per_client:
            raise BridgeError("too many services offered by one client")
        if self.ros.service_exists(service):
            raise BridgeError(f"{service} is already provided by another node or client")
        self.ros.advertise_service(self.session, service, op["type"], self._handler(service))
        self.offered.add(service)

    def _handler(self, service: str) -> Callable[[dict], concurrent.futures.Future]:
        def request(args: dict) -> concurrent.futures.Future:
            """From a ROS thread: ask the client, the future holds its answer."""
            future: concurrent.futures.Future = concurrent.futures.Future()
            self.session.post(lambda: self._send_request(service, args, future))
            return future

        return request

    def _send_request(self, service: str, args: dict, future: concurrent.futures.Future) -> None:
        if self.session.closed or service not in self.offered:
            future.set_exception(BridgeError(f"{service}: its provider left"))
            return
        if len(self._requests) >= self.config.max_pending_service_calls:
            future.set_exception(BridgeError(f"{service}: its provider is too busy"))
            return
        request_id = f"service_request:{service}:{next(self._request_ids)}"
        self._requests[request_id] = future
        future.add_done_callback(
            lambda _: self.session.post(lambda: self._requests.pop(request_id, None))
        )
        self.session.reply(
            {"op": "call_service", "id": request_id, "service": service, "args": args}
        )

    def service_response(self, op: dict) -> None:
        future = self._requests.pop(op["id"], None) if isinstance(op["id"], str) else None
        if future is None:
            raise BridgeError("service_response for no pending request")
        if future.done():
            return
        if op.get("result", True) is False:
            future.set_exception(BridgeError(f"the client failed: {str(op.get('values'))[:200]}"))
        else:
            values = op.get("values", {})
            future.set_result(values if values is not None else {})

    def unadvertise_service(self, op: dict) -> None:
        service = op["service"]
        if service in self.offered:
            self.offered.discard(service)
            self.ros.unadvertise_service(self.session, service)
            self._fail_requests(service)

    def _fail_requests(self, service: str | None) -> None:
        for request_id, future in list(self._requests.items()):
            if service is None or request_id.startswith(f"service_request:{service}:"):
                del self._requests[request_id]
                if not future.done():
                    future.set_exception(BridgeError("the service's provider left"))

    def close(self) -> None:
        """The client left: withdraw its services and fail the requests it did not answer."""
        for service in list(self.offered):
            self.offered.discard(service)
            self.ros.unadvertise_service(self.session, service)
        self._fail_requests(None)
