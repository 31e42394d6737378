"""Loads the fixtures in test/fixtures/ as plugins and marks each test with its kind.

Kinds, one folder each: unit (no ROS, seconds), firmware (the firmware's builds), ros (a real
master and nodes), browser (Chromium on the simulated robot), nav (navigation end to end on the
simulated robot with the navigation overlay; minutes). `./run test unit` runs one kind.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

KINDS = ("unit", "firmware", "ros", "browser", "nav")

# a plugin that another imports comes first, so that pytest rewrites its asserts
pytest_plugins = [
    "fixtures.ros",
    "fixtures.servo",
    "fixtures.actuators",
    "fixtures.arm",
    "fixtures.bridge",
    "fixtures.dashboard",
    "fixtures.doctor",
    "fixtures.link",
    "fixtures.pan_tilt",
    "fixtures.publishers",
    "fixtures.shim",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the kind its folder names."""
    for item in items:
        kind = Path(item.fspath).resolve().relative_to(HERE).parts[0]
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))
