"""Fixtures for the bridge tests: Terry's rosbridge on a free port, roslibpy clients, raw sockets.

Use with `pytest_plugins = ["bridge_fixtures"]`. `bridge` is one bridge per test module (tests use
their own topic names); `start_bridge` starts one with extra params for a single test.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
from collections.abc import Callable, Iterator

import pytest
from harness import Master, Process, ProcessGroup, free_port, ros_environment, wait_for

os.environ.setdefault("ROSLIBPY_TRANSPORT", "asyncio")
import roslibpy


def bridge_up(port: int, host: str = "127.0.0.1") -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def launch_bridge(group: ProcessGroup, *params: str) -> tuple[Process, int]:
    """`rosrun terry rosbridge _port:=<free> params...` as node /rosbridge_<port>, once it listens.

    Each bridge has a node name of its own: private params stay on the master after a node exits.
    """
    port = free_port()
    name = f"__name:=rosbridge_{port}"
    process = group.start("rosrun", "terry", "rosbridge", name, f"_port:={port}", *params)

    def listening() -> bool:
        if not process.alive:
            raise AssertionError(f"the bridge exited:\n{process.output()}")
        return bridge_up(port)

    wait_for(listening, 60, f"the bridge listening on {port}")
    return process, port


@pytest.fixture(scope="module")
def bridge(ros_master: Master, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a bridge shared by one test module."""
    log_dir = tmp_path_factory.mktemp("bridge")
    group = ProcessGroup(ros_environment(ros_master.uri, ros_master.home), log_dir)
    try:
        _, port = launch_bridge(group)
        yield f"ws://127.0.0.1:{port}/"
    finally:
        group.stop_all()


@pytest.fixture
def start_bridge(process_group: ProcessGroup) -> Callable[..., tuple[Process, int]]:
    """Start a bridge with private params, e.g. start_bridge("_address:=0.0.0.0", "_token:=x")."""
    return lambda *params: launch_bridge(process_group, *params)


@pytest.fixture
def client() -> Iterator[Callable[[str], roslibpy.Ros]]:
    """Factory of connected roslibpy clients, all closed at teardown."""
    clients: list[roslibpy.Ros] = []

    def connect(url: str) -> roslibpy.Ros:
        ros = roslibpy.Ros(url)
        ros.run(timeout=30)
        clients.append(ros)
        return ros

    yield connect
    for ros in clients:
        if ros.is_connected:
            ros.close()


class RawClient:
    """A WebSocket client on a plain socket: sends what it is told, reads only when asked."""

    def __init__(self, port: int, path: str = "/", headers: dict[str, str] | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        key = base64.b64encode(os.urandom(16)).decode()
        headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        lines = [
            f"GET {path} HTTP/1.1",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            response += chunk
        head, _, self.buffer = response.partition(b"\r\n\r\n")
        self.status = int(head.split(b" ")[1]) if head else 0

    def send(self, payload: bytes, opcode: int = 1) -> None:
        """One masked frame (mask 0: the payload goes as is)."""
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 2**16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        self.sock.sendall(header + b"\0\0\0\0" + payload)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw_client() -> Iterator[Callable[..., RawClient]]:
    made: list[RawClient] = []

    def make(port: int, path: str = "/", headers: dict[str, str] | None = None) -> RawClient:
        raw = RawClient(port, path, headers)
        made.append(raw)
        return raw

    yield make
    for raw in made:
        raw.close()


@pytest.fixture(scope="module")
def bridge_port(bridge: str) -> int:
    """The port of the module's bridge."""
    return int(bridge.rstrip("/").rsplit(":", 1)[1])
