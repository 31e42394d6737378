"""Gripper targets to joint commands, without ROS: the arm_ik node's logic.

`TargetSolver` checks a target ([x, y, z, claw] in arm_base_link, or a point whose claw stays as
it is), solves it with `ArmKinematics` (gripper held at `pitch`; out of reach: refused, or the
nearest reachable point with unreachable="nearest") and answers with the joints to command and
the status for /arm/ik_status (ok, reason, target, adjusted, joints), which `as_json` turns into
strict JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from terry.arm.kinematics import ArmKinematics

MODES = ("reject", "nearest")


@dataclass(frozen=True)
class Answer:
    """The joints to command (empty: refused) and the status to publish."""

    status: dict[str, object]
    joints: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.status["ok"])


def refusal(reason: str, target: object = None) -> Answer:
    return Answer({"ok": False, "reason": reason, "target": target, "adjusted": None, "joints": {}})


class TargetSolver:
    def __init__(
        self,
        arm: ArmKinematics,
        pitch: float = 0.0,
        unreachable: str = "reject",
        move_time: float = 0.0,
    ) -> None:
        """ValueError names a bad setting."""
        if not -math.pi / 2 <= pitch <= math.pi / 2:  # also refuses NaN
            raise ValueError(f"~pitch must be a gripper pitch in -pi/2 .. pi/2 rad, got {pitch}")
        if unreachable not in MODES:
            raise ValueError(f"~unreachable must be 'reject' or 'nearest', got {unreachable!r}")
        if not 0.0 <= move_time < math.inf:
            raise ValueError(
                f"~move_time must be 0 (as fast as allowed) or more s, got {move_time}"
            )
        self.arm = arm
        self.pitch = pitch
        self.nearest = unreachable == "nearest"
        self.move_time = move_time

    def xyzc(self, data: Sequence[float]) -> Answer:
        """[x, y, z, claw]: a point in arm_base_link (m) and the claw, 0 closed .. 1 open."""
        data = list(data)
        if len(data) != 4:
            return refusal(f"/arm/xyzc needs [x, y, z, claw], got {len(data)} values", data)
        if not all(math.isfinite(v) for v in data):
            return refusal(f"/arm/xyzc values must be finite numbers, got {data}", data)
        x, y, z, claw = data
        if not 0.0 <= claw <= 1.0:
            return refusal(f"claw must be 0 (closed) .. 1 (open), got {claw}", data)
        return self._solve(x, y, z, claw)

    def point(self, x: float, y: float, z: float) -> Answer:
        """A point in arm_base_link; the claw stays as it is."""
        return self.unusable(x, y, z) or self._solve(x, y, z, None)

    @staticmethod
    def unusable(x: float, y: float, z: float) -> Answer | None:
        """The refusal of a point no frame could make usable (not finite), else None."""
        if all(math.isfinite(v) for v in (x, y, z)):
            return None
        return refusal(f"/arm/target must be finite, got {x}, {y}, {z}", [x, y, z])

    def _solve(self, x: float, y: float, z: float, claw: float | None) -> Answer:
        result = self.arm.solve(x, y, z, claw or 0.0, self.pitch, nearest=self.nearest)
        if not result.ok:
            return refusal(result.reason, [x, y, z])
        joints = dict(result.joints)
        if claw is None:
            del joints["arm_claw"]  # /arm/target leaves the claw as it is
        status = {
            "ok": True,
            "reason": result.reason,  # not empty when the target was adjusted
            "target": list(result.target),
            "adjusted": list(result.adjusted) if result.adjusted else None,
            "joints": joints,
        }
        return Answer(status, joints)


def as_json(status: dict[str, object]) -> str:
    """Strict JSON (browsers refuse NaN): a non-finite number becomes null; the reason says it."""

    def clean(value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return json.dumps(clean(status), allow_nan=False)
