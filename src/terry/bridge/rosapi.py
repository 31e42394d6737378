"""The rosapi services (/rosapi/topics, /rosapi/get_param, ...) answered inside the bridge.

roslibjs (ROS.getTopics, ROSLIB.Param) and roslibpy (Ros.get_topics, Param) reach the graph and
the parameter server through these. Answers have the fields of rosapi's services; names outside
the bridge's allow-lists are left out, and their parameters can be neither read nor written;
hidden parameters (the token, secrets) are left out of every answer, namespaces included.
The master is anything with rosgraph.Master's methods.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from terry.bridge.config import BridgeConfig
from terry.bridge.convert import ConversionError, message_class, service_class
from terry.bridge.protocol import BridgeError

# request fields in order, for clients that send args as a list
FIELDS = {
    "topics": [],
    "topic_type": ["topic"],
    "topics_for_type": ["type"],
    "services": [],
    "service_type": ["service"],
    "services_for_type": ["type"],
    "nodes": [],
    "node_details": ["node"],
    "publishers": ["topic"],
    "subscribers": ["topic"],
    "service_providers": ["service"],
    "service_node": ["service"],
    "get_param": ["name", "default"],
    "set_param": ["name", "value"],
    "has_param": ["name"],
    "delete_param": ["name"],
    "get_param_names": [],
    "search_param": ["name"],
    "get_time": [],
    "message_details": ["type"],
    "service_request_details": ["type"],
    "service_response_details": ["type"],
}
_PRIMITIVES = {
    "bool",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "float32",
    "float64",
    "string",
    "time",
    "duration",
    "byte",
    "char",
}


class Rosapi:
    """Answers /rosapi/<name> calls from the master's state."""

    def __init__(
        self,
        master: Any,
        config: BridgeConfig,
        service_type: Callable[[str], str | None],
        now: Callable[[], Any],
    ) -> None:
        self.master, self.config = master, config
        self._service_type, self._now = service_type, now

    @staticmethod
    def handles(service: str) -> bool:
        return service.startswith("/rosapi/") and service[8:] in FIELDS

    def call(self, service: str, args: dict | list) -> dict:
        name = service[8:]
        if isinstance(args, list):
            args = dict(zip(FIELDS[name], args, strict=False))
        unknown = set(args) - set(FIELDS[name])
        if unknown:
            raise BridgeError(f"{service} has no argument(s) {sorted(unknown)}")
        for key, value in args.items():
            if not isinstance(value, str):
                raise BridgeError(f"{service}: {key} must be a string")
        return getattr(self, name)(**args)

    # ---------------------------------------------------------------- graph

    def _topic_types(self) -> list[tuple[str, str]]:
        return sorted(
            (t, kind) for t, kind in self.master.getTopicTypes() if self.config.topic_allowed(t)
        )

    def _state(self) -> tuple[list, list, list]:
        return self.master.getSystemState()

    def topics(self) -> dict:
        pairs = self._topic_types()
        return {"topics": [t for t, _ in pairs], "types": [k for _, k in pairs]}

    def topic_type(self, topic: str = "") -> dict:
        return {"type": dict(self._topic_types()).get(topic, "")}

    def topics_for_type(self, type: str = "") -> dict:
        return {"topics": [t for t, kind in self._topic_types() if kind == type]}

    def services(self) -> dict:
        names = sorted(s for s, _ in self._state()[2] if self.config.service_allowed(s))
        return {"services": names}

    def service_type(self, service: str = "") -> dict:
        if not self.config.service_allowed(service):
            return {"type": ""}
        return {"type": self._service_type(service) or ""}

    def services_for_type(self, type: str = "") -> dict:
        names = self.services()["services"]
        return {"services": [s for s in names if self._service_type(s) == type]}

    def nodes(self) -> dict:
        names = {n for group in self._state() for _, nodes in group for n in nodes}
        return {"nodes": sorted(names)}

    def node_details(self, node: str = "") -> dict:
        pubs, subs, services = self._state()

        def of(group: list) -> list[str]:
            return sorted(name for name, nodes in group if node in nodes)

        return {"subscribing": of(subs), "publishing": of(pubs), "services": of(services)}

    def _who(self, group: list, name: str) -> list[str]:
        return sorted(next((nodes for n, nodes in group if n == name), []))

    def publishers(self, topic: str = "") -> dict:
        return {"publishers": self._who(self._state()[0], topic)}

    def subscribers(self, topic: str = "") -> dict:
        return {"subscribers": self._who(self._state()[1], topic)}

    def service_providers(self, service: str = "") -> dict:
        return {"providers": self._who(self._state()[2], service)}

    def service_node(self, service: str = "") -> dict:
        nodes = self._who(self._state()[2], service)
        return {"node": nodes[0] if nodes else ""}

    def get_time(self) -> dict:
        now = self._now()
        return {"time": {"secs": now.secs, "nsecs": now.nsecs}}

    # ---------------------------------------------------------------- parameters

    def _param(self, name: str) -> str:
        name = name if name.startswith("/") else "/" + name
        if not self.config.param_allowed(name):
            raise BridgeError(f"parameter {name} is not in the bridge's allow-list")
        return name

    def get_param(self, name: str = "", default: str = "") -> dict:
        name = self._param(name)
        if self.master.hasParam(name):
            return {"value": json.dumps(self._visible(name, self.master.getParam(name)))}
        return {"value": default if default else "null"}

    def _visible(self, name: str, value: Any) -> Any:
        """A namespace's values without the hidden ones inside it (the token, secrets)."""
        if not isinstance(value, dict):
            return value
        prefix = name.rstrip("/") + "/"
        return {
            key: self._visible(prefix + key, item)
            for key, item in value.items()
            if not self.config.param_hidden(prefix + key)
        }

    def set_param(self, name: str = "", value: str = "") -> dict:
        name = self._param(name)
        try:
            decoded = json.loads(value)
        except ValueError:
            raise BridgeError('set_param: value must be JSON text (e.g. "3", \'"text"\')') from None
        self.master.setParam(name, decoded)
        return {}

    def has_param(self, name: str = "") -> dict:
        return {"exists": bool(self.master.hasParam(self._param(name)))}

    def delete_param(self, name: str = "") -> dict:
        name = self._param(name)
        if self.master.hasParam(name):
            self.master.deleteParam(name)
        return {}

    def get_param_names(self) -> dict:
        return {
            "names": sorted(n for n in self.master.getParamNames() if self.config.param_allowed(n))
        }

    def search_param(self, name: str = "") -> dict:
        found = self.master.searchParam(name)
        return {"global_name": found if found and self.config.param_allowed(found) else ""}

    # ---------------------------------------------------------------- type definitions

    def message_details(self, type: str = "") -> dict:
        return {"typedefs": _typedefs(_known(message_class, type))}

    def service_request_details(self, type: str = "") -> dict:
        return {"typedefs": _typedefs(_known(service_class, type)._request_class)}

    def service_response_details(self, type: str = "") -> dict:
        return {"typedefs": _typedefs(_known(service_class, type)._response_class)}


def _known(lookup: Callable[[str], Any], name: str) -> Any:
    try:
        return lookup(name)
    except ConversionError as exc:
        raise BridgeError(str(exc)) from None


def _typedefs(root: type) -> list[dict]:
    """rosapi's TypeDef list: the type, then every message type inside it, once each."""
    result, seen, todo = [], set(), [root]
    while todo:
        cls = todo.pop(0)
        if cls._type in seen:
            continue
        seen.add(cls._type)
        names, types, lengths = [], [], []
        for slot, kind in zip(cls.__slots__, cls._slot_types, strict=True):
            base, _, size = kind.partition("[")
            base = "std_msgs/Header" if base == "Header" else base
            names.append(slot)
            types.append(base)
            lengths.append(-1 if not size else int(size[:-1] or 0))
            if base not in _PRIMITIVES:
                todo.append(message_class(base))
        constants = [c for c in dir(cls) if c.isupper() and not c.startswith("_")]
        result.append(
            {
                "type": cls._type,
                "fieldnames": names,
                "fieldtypes": types,
                "fieldarraylen": lengths,
                "examples": ["" for _ in names],
                "constnames": constants,
                "constvalues": [str(getattr(cls, c)) for c in constants],
            }
        )
    return result
