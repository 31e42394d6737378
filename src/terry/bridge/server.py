"""The WebSocket transport: listen, admit (token, Host, Origin, places per address), pump frames.

Runs an asyncio loop in a thread of its own. Each client has a reader (ops in, handled in turn),
a writer (its Outbox out) and an executor of its own for its service calls; a client that stops
reading only fills its own Outbox, which drops its own oldest frames. Frames larger than
max_message_bytes close that client's connection.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import hmac
import http
import json
import logging
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from terry.bridge.config import LOOPBACK_NAMES, BridgeConfig, is_loopback, matches
from terry.bridge.hub import Hub
from terry.bridge.protocol import RosPort
from terry.bridge.session import Session

LOG = logging.getLogger("terry.bridge")
_BATCH = 64  # ops handled before letting other clients run


def _hostname(netloc: str) -> str:
    try:
        return (urlsplit("//" + netloc).hostname or "").lower()
    except ValueError:
        return ""


def admission_error(config: BridgeConfig, path: str, headers: dict[str, str]) -> str | None:
    """Why a connection is refused (None: admitted). headers: lower-case names."""
    if config.token:
        query = parse_qs(urlsplit(path).query)
        given = (query.get("token") or [""])[0]
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = given or auth[7:].strip()
        if not hmac.compare_digest(given.encode(), config.token.encode()):
            return "missing or wrong access token"
    host = _hostname(headers.get("host", ""))
    origin = headers.get("origin")
    if not config.token and host not in LOOPBACK_NAMES and not is_loopback(host):
        return f"Host {host!r} is not this machine's loopback name"  # DNS rebinding
    if origin is None or matches(origin, config.allowed_origins):
        return None  # not a browser, or an origin the config names
    origin_host = _hostname(urlsplit(origin).netloc)
    same_site = origin_host == host if config.token else is_loopback(origin_host)
    return None if origin_host and same_site else f"Origin {origin!r} is not allowed"


class BridgeServer:
    """The bridge's WebSocket server on its own asyncio loop thread."""

    def __init__(self, config: BridgeConfig, ros: RosPort) -> None:
        self.config = config
        self.ros = ros
        self.loop = asyncio.new_event_loop()
        self.hub = Hub(self.post)
        self.sessions: set[Session] = set()
        self.per_address: collections.Counter[str] = collections.Counter()
        self.on_clients_changed: Callable[[int], None] = lambda count: None
        self._server: Server | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, name="bridge", daemon=True)
        self.port = config.port

    def post(self, callback: Callable[[], None]) -> None:
        """Run callback on the bridge loop (from any thread)."""
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(callback)

    def start(self) -> None:
        """Listen (raises OSError if the address is taken) and serve in the background."""
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self.loop)
        future.result(timeout=30)

    async def _listen(self) -> None:
        self._server = await serve(
            self._serve_client,
            self.config.address,
            self.config.port,
            process_request=self._admit,
            max_size=self.config.max_message_bytes,
            max_queue=4,  # frames read ahead of the session: max_message_bytes each
            write_limit=256 * 1024,
            compression="deflate" if self.config.compression else None,
            ping_interval=self.config.ping_interval or None,
            ping_timeout=self.config.ping_interval or None,
            server_header=None,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        if urlsplit(request.path).path == "/health":
            queued = sum(session.outbox.bytes for session in self.sessions)
            body = json.dumps({"ok": True, "clients": len(self.sessions), "queued_bytes": queued})
            return connection.respond(http.HTTPStatus.OK, body + "\n")
        headers = {k.lower(): v for k, v in request.headers.raw_items()}
        reason = admission_error(self.config, request.path, headers)
        if reason is None and len(self.sessions) >= self.config.max_clients:
            reason = "too many clients"
        address = connection.remote_address[0]
        if reason is None and self.per_address[address] >= self.config.max_clients_per_address:
            reason = f"too many clients from {address}"
        if reason is None:
            return None
        LOG.warning("refused a connection from %s: %s", connection.remote_address, reason)
        return connection.respond(http.HTTPStatus.FORBIDDEN, reason + "\n")

    async def _serve_client(self, ws: ServerConnection) -> None:
        wake = asyncio.Event()
        address = ws.remote_address[0]
        executor = concurrent.futures.ThreadPoolExecutor(
            self.config.calls_per_client, thread_name_prefix="bridge-call"
        )
        session = Session(
            self.ros,
            self.hub,
            self.config,
            executor,
            self.post,
            wake.set,
            name=f"client {address}:{ws.remote_address[1]}",
        )
        self.sessions.add(session)
        self.per_address[address] += 1
        self.on_clients_changed(len(self.sessions))
        writer = asyncio.create_task(self._write(ws, session, wake))
        try:
            handled = 0
            async for frame in ws:
                session.handle(frame)
                handled += 1
                if handled % _BATCH == 0:
                    await asyncio.sleep(0)
        except ConnectionClosed:
            pass
        finally:
            writer.cancel()
            session.close()
            executor.shutdown(wait=False, cancel_futures=True)
            self.sessions.discard(session)
            self.per_address[address] -= 1
            if not self.per_address[address]:
                del self.per_address[address]
            self.on_clients_changed(len(self.sessions))

    async def _write(self, ws: ServerConnection, session: Session, wake: asyncio.Event) -> None:
        """Send what the Outbox lets go, up to _BATCH frames per write to the socket."""
        outbox, loop = session.outbox, self.loop
        try:
            while True:
                now = loop.time()
                batch = []
                while len(batch) < _BATCH and (frame := outbox.pop(now)) is not None:
                    batch.append(frame)
                if not batch:
                    wake.clear()
                    due = outbox.next_due()
                    if due is None:
                        await wake.wait()
                    else:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(wake.wait(), max(0.0, due - now))
                    continue
                # One write (and one flow-control wait) for the whole batch: websockets' own
                # send() does the same per message (websockets is pinned in requirements).
                async with ws.send_context():
                    for frame in batch:
                        if isinstance(frame, bytes):
                            ws.protocol.send_text(frame)
                        else:
                            for part in frame:
                                ws.protocol.send_text(part)
        except ConnectionClosed:
            pass

    def stop(self) -> None:
        """Close every connection and the listener, then stop the loop."""
        if self._server is not None and self.loop.is_running():

            async def close() -> None:
                self._server.close()
                await self._server.wait_closed()

            try:
                asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
            except (concurrent.futures.TimeoutError, RuntimeError):
                LOG.warning("bridge connections did not close in time")
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)
