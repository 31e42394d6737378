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
    topics_glob: list[str] = field(default_factory=lambda: ["*"])
    services_glob: list[str] = field(default_factory=lambda: ["*"])
    params_glob: list[str] = field(default_factory=lambda: ["*"])
    allowed_origins: list[str] = field(default_factory=list)
    max_message_bytes: int = 10_000_000
    client_queue_length: int = 100
    client_queue_bytes: int = 16_000_000
    max_clients: int = 200
    max_subscriptions_per_client: int = 500
    max_pending_service_calls: int = 64
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
        for name in ("max_message_bytes", "client_queue_length", "client_queue_bytes"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive")
        for name in ("topics_glob", "services_glob", "params_glob", "allowed_origins"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
                raise ConfigError(f"{name} must be a list of glob strings")

    def topic_allowed(self, topic: str) -> bool:
        return matches(topic, self.topics_glob)

    def service_allowed(self, service: str) -> bool:
        return matches(service, self.services_glob)

    def param_allowed(self, param: str) -> bool:
        return matches(param, self.params_glob)
