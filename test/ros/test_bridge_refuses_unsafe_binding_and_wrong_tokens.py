"""Only loopback without a token; a token is checked; the bridge binds what it is told; Origin
and Host headers are checked so a web page elsewhere cannot reach a loopback bridge."""

from __future__ import annotations

import socket

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

TOKEN = "s3cret-token"


def accepts_tcp(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def refused_with(url: str, **kwargs) -> int | None:
    """The HTTP status a WebSocket upgrade is refused with (None: accepted)."""
    try:
        with connect(url, open_timeout=20, **kwargs):
            return None
    except InvalidStatus as exc:
        return exc.response.status_code


def test_non_loopback_address_without_token_refuses_to_start(ros_process, monkeypatch):
    monkeypatch.delenv("TERRY_TOKEN", raising=False)
    process = ros_process("rosrun", "terry", "rosbridge", "_address:=0.0.0.0", "_port:=0")
    assert process.wait(60) != 0
    assert "without an access token" in process.output()


def test_token_is_required_and_checked(start_bridge, client, rospy_node):
    _, port = start_bridge("_address:=0.0.0.0", token=TOKEN)
    assert refused_with(f"ws://127.0.0.1:{port}/") == 403
    assert refused_with(f"ws://127.0.0.1:{port}/?token=wrong") == 403
    assert refused_with(f"ws://127.0.0.1:{port}/?token={TOKEN}") is None
    page = "http://127.0.0.1:8080"  # a dashboard served by the same host as the bridge
    assert refused_with(f"ws://127.0.0.1:{port}/?token={TOKEN}", origin=page) is None
    assert (
        refused_with(f"ws://127.0.0.1:{port}/?token={TOKEN}", origin="http://evil.example") == 403
    )
    ros = client(f"ws://127.0.0.1:{port}/?token={TOKEN}")  # unmodified roslibpy, token in the URL
    assert "/client_count" in ros.get_topics()


def test_the_token_can_come_from_a_private_file(start_bridge, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    _, port = start_bridge("_address:=0.0.0.0", f"_token_file:={token_file}")
    assert refused_with(f"ws://127.0.0.1:{port}/") == 403
    assert refused_with(f"ws://127.0.0.1:{port}/?token={TOKEN}") is None


def test_bridge_binds_the_address_it_is_told(bridge_port, start_bridge):
    # 127.0.0.2 is loopback too, but only a socket bound to 0.0.0.0 answers there
    assert accepts_tcp("127.0.0.1", bridge_port)
    assert not accepts_tcp("127.0.0.2", bridge_port)
    _, open_port = start_bridge("_address:=0.0.0.0", token=TOKEN)
    assert accepts_tcp("127.0.0.2", open_port)


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({"Origin": "http://localhost:8080"}, False),
        ({"Origin": "http://127.0.0.1:8080"}, False),
        ({"Origin": "http://evil.example"}, True),
        ({"Origin": "null"}, True),
        ({"Host": "evil.example:9090"}, True),  # DNS rebinding onto 127.0.0.1
    ],
)
def test_browser_origins_and_hosts_are_checked(bridge_port, raw_client, headers, refused):
    raw = raw_client(bridge_port, headers=headers)
    assert raw.status == (403 if refused else 101)
