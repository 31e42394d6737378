"""dynamic_reconfigure for motor tuning, without a build step: the description dynamic_reconfigure's
Python server takes (what catkin would generate from a .cfg file into a Config module:
config_description, defaults, min, max, level, type) made at run time from config/tuning.yaml,
so `./run sim`, the tests and a catkin workspace serve the same parameters; and the callback,
which keeps only what the board took.

Parameters: `<motor>_kp`, `_ki`, `_kd`, `_max_speed`, `_max_accel` (pan_kp, wheel_max_accel, ...).
ROS-free: the node passes `description(spec)` to dynamic_reconfigure.server.Server.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from terry.tuning.gains import FIELDS, UNITS, MotorSpec, MotorTuning

DESCRIPTIONS = {
    "kp": "proportional gain",
    "ki": "integral gain",
    "kd": "derivative gain",
    "max_speed": "speed limit",
    "max_accel": "acceleration limit",
}


def parameter(spec: MotorSpec, field: str) -> str:
    return f"{spec.name}_{field}"


def description(spec: MotorSpec) -> SimpleNamespace:
    """The Config type dynamic_reconfigure's server and encoding take, one group, level 1."""
    params = []
    for field, default in spec.defaults.items():
        low, high = spec.bounds(field)
        params.append(
            {
                "name": parameter(spec, field),
                "type": "double",
                "default": default,
                "level": 1,
                "description": f"{spec.name} {DESCRIPTIONS[field]}, {UNITS[field]}",
                "min": low,
                "max": high,
                "edit_method": "",
                "ctype": "double",
                "cconsttype": "const double",
                "srcline": 0,
                "srcfile": "config/tuning.yaml",
            }
        )
    group = {
        "name": "Default",
        "type": "",
        "state": True,
        "cstate": "true",
        "id": 0,
        "parent": 0,
        "parameters": params,
        "groups": [],
        "srcline": 0,
        "srcfile": "config/tuning.yaml",
        "class": "DEFAULT",
        "parentclass": "",
        "parentname": "Default",
        "field": "default",
        "upper": "DEFAULT",
        "lower": "groups",
    }
    return SimpleNamespace(
        config_description=group,
        defaults={p["name"]: p["default"] for p in params},
        min={p["name"]: p["min"] for p in params},
        max={p["name"]: p["max"] for p in params},
        level={p["name"]: p["level"] for p in params},
        type={p["name"]: p["type"] for p in params},
        all_level=1,
    )


class TuningCallback:
    """dynamic_reconfigure's callback for one motor: builds its tuning from the config, hands it to
    `apply` (the Tuner's set: None, or the refusal), and answers the config in effect: a refused
    change is reported to `on_refusal` and the previous values are answered (and so kept)."""

    def __init__(
        self,
        spec: MotorSpec,
        apply: Callable[[MotorTuning], str | None],
        on_refusal: Callable[[str], None],
    ) -> None:
        self.spec, self._apply, self._on_refusal = spec, apply, on_refusal
        self.tuning = spec.defaults

    def __call__(self, config: dict[str, Any], _level: int) -> dict[str, Any]:
        values = {field: config.get(parameter(self.spec, field)) for field in FIELDS}
        tuning = MotorTuning(**values)
        if tuning != self.tuning:
            reason = self._apply(tuning)
            if reason:
                self._on_refusal(reason)
            else:
                self.tuning = tuning
        answer = dict(config)
        answer.update({parameter(self.spec, f): v for f, v in self.tuning.items()})
        return answer
