"""The dashboard's HTTP side (Flask): the page from web/, where the bridge is, and health.

- GET /               web/index.html (any file of web/ by its path)
- GET /bridge.json    {"url": "ws://<host the page came from>:9090/[?token=...]", "token": ...}
- GET /health         {"ros": bool, "bridge": bool, ...}; 200 when both are up, else 503
With a token, every page but /health needs ?token=... once (then a cookie); without one the
server only answers requests addressed to a loopback name (no DNS rebinding onto 127.0.0.1).
"""

from __future__ import annotations

import hmac
import socket
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, abort, jsonify, request, send_from_directory

from terry.bridge.config import is_loopback

COOKIE = "terry_token"


@dataclass
class DashboardConfig:
    web_dir: Path
    master_uri: str
    bridge_port: int = 9090
    bridge_url: str = ""  # default: ws://<the page's host>:<bridge_port>/
    token: str = ""


def master_up(uri: str, timeout: float = 1.0) -> bool:
    """True if a ROS master answers getPid at `uri`."""
    parts = urlsplit(uri)
    try:
        socket.create_connection((parts.hostname, parts.port or 11311), timeout=timeout).close()
        code, _, _ = xmlrpc.client.ServerProxy(uri).getPid("/dashboard_server")
    except (OSError, xmlrpc.client.Error):
        return False
    return code == 1


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def create_app(config: DashboardConfig) -> Flask:
    app = Flask(__name__, static_folder=None)

    def bridge_url() -> str:
        if config.bridge_url:
            url = config.bridge_url
        else:
            host = urlsplit("//" + request.host).hostname or "127.0.0.1"
            host = f"[{host}]" if ":" in host else host
            url = f"ws://{host}:{config.bridge_port}/"
        if config.token and "token=" not in url:
            url += ("&" if "?" in url else "?") + f"token={config.token}"
        return url

    @app.before_request
    def admit() -> Response | None:
        if request.path == "/health":
            return None
        if not config.token:
            host = (urlsplit("//" + request.host).hostname or "").lower()
            if not is_loopback(host):
                abort(403, "this dashboard only answers on a loopback name (no token set)")
            return None
        given = request.args.get("token") or request.cookies.get(COOKIE, "")
        if not hmac.compare_digest(given.encode(), config.token.encode()):
            abort(403, "missing or wrong access token: open the page with ?token=...")
        return None

    @app.after_request
    def remember(response: Response) -> Response:
        if config.token and request.args.get("token") == config.token:
            response.set_cookie(COOKIE, config.token, httponly=True, samesite="Strict")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/bridge.json")
    def bridge() -> Response:
        return jsonify(url=bridge_url(), token=config.token or None)

    @app.get("/health")
    def health() -> tuple[Response, int]:
        bridge_host = urlsplit(config.bridge_url).hostname if config.bridge_url else "127.0.0.1"
        bridge_port = (urlsplit(config.bridge_url).port if config.bridge_url else None) or (
            config.bridge_port
        )
        ros = master_up(config.master_uri)
        bridge_ok = port_open(bridge_host or "127.0.0.1", bridge_port)
        body = jsonify(ros=ros, bridge=bridge_ok, master_uri=config.master_uri)
        return body, 200 if ros and bridge_ok else 503

    @app.get("/")
    def index() -> Response:
        return send_from_directory(config.web_dir, "index.html")

    @app.get("/<path:name>")
    def static_file(name: str) -> Response:
        return send_from_directory(config.web_dir, name)

    return app
