"""rosapi through the bridge never shows hidden parameters (the token), namespaces included."""

from __future__ import annotations

import json

import pytest

from terry.bridge.config import BridgeConfig
from terry.bridge.protocol import BridgeError
from terry.bridge.rosapi import Rosapi

PARAMS = {"/rosbridge/token": "s3cret", "/rosbridge/port": 9090, "/gain": 2}


class Master:
    """The parameter server's calls rosapi makes, on a dict."""

    def hasParam(self, name):
        return name == "/" or any(key.startswith(name) for key in PARAMS)

    def getParam(self, name):
        if name in PARAMS:
            return PARAMS[name]
        tree: dict = {}
        for key, value in PARAMS.items():
            if key.startswith(name.rstrip("/") + "/"):
                *path, leaf = key[len(name.rstrip("/")) + 1 :].split("/")
                node = tree
                for part in path:
                    node = node.setdefault(part, {})
                node[leaf] = value
        return tree

    def getParamNames(self):
        return list(PARAMS)

    def searchParam(self, name):
        return next((key for key in PARAMS if key.endswith("/" + name)), None)


@pytest.fixture
def rosapi() -> Rosapi:
    return Rosapi(Master(), BridgeConfig(), lambda service: None, lambda: None)


def test_the_token_cannot_be_read_by_name_or_through_its_namespace(rosapi):
    with pytest.raises(BridgeError):
        rosapi.call("/rosapi/get_param", {"name": "/rosbridge/token"})
    for namespace in ("/", "/rosbridge"):
        value = rosapi.call("/rosapi/get_param", {"name": namespace})["value"]
        assert "s3cret" not in value
    assert json.loads(rosapi.call("/rosapi/get_param", {"name": "/"})["value"]) == {
        "rosbridge": {"port": 9090},
        "gain": 2,
    }


def test_the_token_is_neither_listed_nor_found_nor_written(rosapi):
    assert "/rosbridge/token" not in rosapi.call("/rosapi/get_param_names", {})["names"]
    assert rosapi.call("/rosapi/search_param", {"name": "token"})["global_name"] == ""
    with pytest.raises(BridgeError):
        rosapi.call("/rosapi/set_param", {"name": "/rosbridge/token", "value": '"mine"'})
