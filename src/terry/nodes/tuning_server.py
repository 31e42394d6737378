"""The dynamic_reconfigure server of a motor board's node (pan_tilt, base_controller): parameters
`<motor>_kp`, `_ki`, `_kd`, `_max_speed`, `_max_accel` (terry.tuning.reconfigure), each change
sent to the board through its Tuner and kept only if the board took it.

  rosrun dynamic_reconfigure dynparam set /pan_tilt pan_kp 2500
  rosrun dynamic_reconfigure dynparam get /pan_tilt

Starting values: the node's private parameters when set (so a respawned node keeps what was
tuned at run time), else ~tuning_file (default config/tuning.yaml).
"""

from __future__ import annotations

import rospy
from dynamic_reconfigure.server import Server

from terry.tuning.gains import MotorSpec, load_specs
from terry.tuning.reconfigure import TuningCallback, description
from terry.tuning.tuner import Tuner


class RefusingServer(Server):
    """dynamic_reconfigure's server, except that a value outside a parameter's range is not
    clamped into it: it reaches the callback, which refuses it (a clamped gain is not the one
    asked for, and a refusal leaves the board as it was)."""

    def _clamp(self, config: dict) -> None:
        pass


def motor_spec(motor: str) -> MotorSpec:
    """The motor's defaults and ceilings from ~tuning_file (ValueError naming what is wrong)."""
    path = rospy.get_param("~tuning_file", "") or None
    specs = load_specs(path)
    if motor not in specs:
        raise ValueError(f"{path or 'config/tuning.yaml'} has no {motor!r} motor")
    return specs[motor]


def serve_tuning(tuner: Tuner) -> RefusingServer:
    name = rospy.get_name()
    callback = TuningCallback(
        tuner.spec, tuner.set, on_refusal=lambda reason: rospy.logerr(f"{name}: {reason}")
    )
    return RefusingServer(description(tuner.spec), callback)
