"""The bridge's settings: where it listens, who may connect, what they may reach, and its limits."""

from __future__ import annotations

import fnmatch
import ipaddress
from dataclasses import dataclass, field, fields
from typing import Any

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if address in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def matches(name: str, globs: list[str]) -> bool:
    """fnmatch `name` against any of `globs` (an empty list allows nothing)."""
    return any(fnmatch.fnmatchcase(name, glob) for glob in globs)


class ConfigError(ValueError):
    """Settings the bridge refuses to start with; the text says what to change."""


@dataclass
class BridgeConfig:
    address: str = "127.0.0.1"
    port: int = 9090
    token: str = ""
    token_file: str = ""
    topics_glob: list[str] = field(default_factory=lambda: ["*"])
    services_glob: list[str] = field(default_factory=lambda: ["*"])
    params_glob: list[str] = field(default_factory=lambda: ["*"])
    hidden_params_glob: list[str] = field(default_factory=lambda: ["*token*", "*secret*"])
    client_services_glob: list[str] = field(default_factory=lambda: ["/client/*"])
    terry_topics: dict[str, str] = field(default_factory=dict)
    terry_services: dict[str, str] = field(default_factory=dict)
    allowed_origins: list[str] = field(default_factory=list)
    max_message_bytes: int = 10_000_000
    client_queue_length: int = 100
    client_queue_bytes: int = 16_000_000
    max_clients: int = 256
    max_clients_per_address: int = 64
    max_subscriptions_per_client: int = 500
    max_publishers_per_client: int = 100
    max_services_per_client: int = 20
    graph_ops_per_second: float = 50.0
    max_pending_service_calls: int = 64
    calls_per_client: int = 4
    service_timeout: float = 10.0
    unregister_timeout: float = 10.0
    ping_interval: float = 20.0
    compression: bool = False

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> BridgeConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(
                f"unknown bridge setting(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        """Refuse a non-loopback address without a token, and nonsense limits."""
        if not is_loopback(self.address) and not self.token:
            raise ConfigError(
                f"refusing to listen on {self.address!r} without an access token: set ~token "
                "(or TERRY_TOKEN), or listen on 127.0.0.1"
            )
        if not 0 <= int(self.port) <= 65535:
            raise ConfigError(f"port {self.port} is not a TCP port")
        positive = [f.name for f in fields(self) if f.name.startswith("max_")]
        positive += ["client_queue_length", "client_queue_bytes", "calls_per_client"]
        for name in [*positive, "graph_ops_per_second", "service_timeout"]:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ConfigError(f"{name} must be a positive number, not {value!r}")
        globs = ("topics_glob", "services_glob", "params_glob", "allowed_origins")
        for name in (*globs, "hidden_params_glob", "client_services_glob"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
                raise ConfigError(f"{name} must be a list of glob strings")
        for name in ("terry_topics", "terry_services"):
            table = getattr(self, name)
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in table.items()
            ):
                raise ConfigError(f"{name} must map names to type names")

    def topic_allowed(self, topic: str) -> bool:
        return matches(topic, self.topics_glob)

    def service_allowed(self, service: str) -> bool:
        return matches(service, self.services_glob)

    def param_allowed(self, param: str) -> bool:
        """In params_glob and not hidden (hidden_params_glob: the token and other secrets)."""
        return matches(param, self.params_glob) and not self.param_hidden(param)

    def param_hidden(self, param: str) -> bool:
        return matches(param, self.hidden_params_glob)

    def client_may_offer(self, service: str) -> bool:
        """Whether a client may advertise `service`: client_services_glob, not Terry's own."""
        return matches(service, self.client_services_glob) and service not in self.terry_services
