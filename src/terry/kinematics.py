"""Closed-form kinematics of Terry's arm: base yaw, shoulder, elbow and wrist pitch, and a claw.

The gripper point (gripper_link) is placed at x, y, z in arm_base_link with the gripper held at a
fixed pitch (0: level). Angles follow the URDF: yaw about z, pitch joints positive upwards.
One branch only (elbow up), so nearby targets always give nearby joint angles.

    arm = ArmKinematics.from_robot(load_robot())
    result = arm.solve(0.15, 0.05, 0.10, claw=1.0)
    if result.ok: result.joints   # dict joint name -> angle (rad)
    else: result.reason           # why not, in words a user can act on

Every answer is explicit: `solve` never raises for an unreachable target, it says why; it raises
ValueError only for malformed input (NaN, infinities, claw outside 0..1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from terry.robot_model import ARM_JOINTS, ArmGeometry, JointSpec, RobotModel, arm_geometry

PITCH_JOINTS = ARM_JOINTS[:4]
_EDGE = 1e-9  # keep clamped targets strictly inside the reach so they stay solvable


class Status(IntEnum):
    """Result codes of an IK solve (also the batch solver's per-target codes)."""

    OK = 0
    OUT_OF_REACH = 1
    ON_YAW_AXIS = 2
    JOINT_LIMIT = 3


@dataclass(frozen=True)
class IkResult:
    """The answer to one target: joints when ok, else the reason; `adjusted` when clamped."""

    status: Status
    reason: str = ""
    joints: dict[str, float] = field(default_factory=dict)
    target: tuple[float, float, float] = (math.nan, math.nan, math.nan)
    adjusted: tuple[float, float, float] | None = None

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


def _finite(name: str, *values: float) -> None:
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"{name} must be finite numbers, got {values}")


class ArmKinematics:
    """IK and FK for the arm described by the URDF (geometry and limits read from it)."""

    def __init__(self, geometry: ArmGeometry, limits: dict[str, JointSpec]) -> None:
        self.geometry = geometry
        self.limits = limits
        g = geometry
        self.reach_max = g.upper + g.forearm
        self.reach_min = abs(g.upper - g.forearm)

    @classmethod
    def from_robot(cls, robot: RobotModel) -> ArmKinematics:
        return cls(arm_geometry(robot), {name: robot.joint(name) for name in ARM_JOINTS})

    # Forward kinematics -------------------------------------------------------------------
    def forward(
        self, yaw: float, shoulder: float, elbow: float, wrist: float
    ) -> tuple[float, float, float, float]:
        """Gripper point (x, y, z) in arm_base_link and gripper pitch for the pitch joints."""
        g = self.geometry
        a1, a2 = shoulder, shoulder + elbow
        a3 = a2 + wrist
        r = g.shoulder_reach + g.upper * math.cos(a1) + g.forearm * math.cos(a2)
        r += g.hand * math.cos(a3)
        z = g.shoulder_height + g.upper * math.sin(a1) + g.forearm * math.sin(a2)
        z += g.hand * math.sin(a3)
        return r * math.cos(yaw), r * math.sin(yaw), z, a3

    def forward_batch(self, joints: np.ndarray) -> np.ndarray:
        """(N, 4) yaw, shoulder, elbow, wrist -> (N, 4) x, y, z, pitch."""
        q = np.asarray(joints, dtype=float)
        if q.ndim != 2 or q.shape[1] != 4:
            raise ValueError(f"joints must have shape (N, 4), got {q.shape}")
        g = self.geometry
        a1 = q[:, 1]
        a2 = a1 + q[:, 2]
        a3 = a2 + q[:, 3]
        r = g.shoulder_reach + g.upper * np.cos(a1) + g.forearm * np.cos(a2) + g.hand * np.cos(a3)
        z = g.shoulder_height + g.upper * np.sin(a1) + g.forearm * np.sin(a2)
        z = z + g.hand * np.sin(a3)
        return np.stack([r * np.cos(q[:, 0]), r * np.sin(q[:, 0]), z, a3], axis=1)

    # Inverse kinematics -------------------------------------------------------------------
    def claw_angle(self, claw: float) -> float:
        """The arm_claw joint angle for claw opening 0 (closed) .. 1 (open)."""
        _finite("claw", claw)
        if not 0.0 <= claw <= 1.0:
            raise ValueError(f"claw must be between 0 (closed) and 1 (open), got {claw}")
        spec = self.limits["arm_claw"]
        return spec.lower + claw * (spec.upper - spec.lower)

    def _wrist_point(self, x: float, y: float, z: float, pitch: float) -> tuple[float, float]:
        """The wrist axis in the shoulder's frame (radial, up) for a gripper point."""
        g = self.geometry
        r = math.hypot(x, y)
        return (
            r - g.shoulder_reach - g.hand * math.cos(pitch),
            z - g.shoulder_height - g.hand * math.sin(pitch),
        )

    def _pitch_joints(self, yaw: float, rw: float, zw: float, pitch: float) -> tuple[float, ...]:
        g = self.geometry
        cos_elbow = (rw * rw + zw * zw - g.upper**2 - g.forearm**2) / (2 * g.upper * g.forearm)
        elbow = -math.acos(max(-1.0, min(1.0, cos_elbow)))  # negative: elbow up
        shoulder = math.atan2(zw, rw) - math.atan2(
            g.forearm * math.sin(elbow), g.upper + g.forearm * math.cos(elbow)
        )
        return yaw, shoulder, elbow, pitch - shoulder - elbow

    def _limit_violation(self, values: tuple[float, ...]) -> str:
        for name, value in zip(PITCH_JOINTS, values, strict=True):
            spec = self.limits[name]
            if not spec.within_limits(value):
                return (
                    f"{name} would be {value:.3f} rad, outside its limits "
                    f"[{spec.lower:.3f}, {spec.upper:.3f}]"
                )
        return ""

    def solve(
        self,
        x: float,
        y: float,
        z: float,
        claw: float = 0.0,
        pitch: float = 0.0,
        nearest: bool = False,
    ) -> IkResult:
        """Joint angles that put the gripper at (x, y, z) with the given pitch, or why not.

        With nearest=True an unreachable target is moved to the nearest reachable point along
        the line from the shoulder, and joints beyond a limit are clamped to it; `adjusted`
        then holds the point actually reached and `reason` says what was changed."""
        _finite("target x, y, z and pitch", x, y, z, pitch)
        claw_value = self.claw_angle(claw)
        target = (x, y, z)
        if math.hypot(x, y) < 1e-6:
            return IkResult(Status.ON_YAW_AXIS, "target is on the base yaw axis", target=target)
        yaw = math.atan2(y, x)
        rw, zw = self._wrist_point(x, y, z, pitch)
        distance = math.hypot(rw, zw)
        changes = []
        if not self.reach_min <= distance <= self.reach_max:
            reason = (
                f"target needs the wrist {distance:.3f} m from the shoulder; the arm reaches "
                f"{self.reach_min:.3f} .. {self.reach_max:.3f} m"
            )
            if not nearest:
                return IkResult(Status.OUT_OF_REACH, reason, target=target)
            scale = min(max(distance, self.reach_min + _EDGE), self.reach_max - _EDGE) / distance
            if distance == 0.0:
                rw, zw = self.reach_min + _EDGE, 0.0
            else:
                rw, zw = rw * scale, zw * scale
            changes.append(reason)
        values = self._pitch_joints(yaw, rw, zw, pitch)
        violation = self._limit_violation(values)
        if violation:
            if not nearest:
                return IkResult(Status.JOINT_LIMIT, violation, target=target)
            values = tuple(
                min(max(v, self.limits[n].lower), self.limits[n].upper)
                for n, v in zip(PITCH_JOINTS, values, strict=True)
            )
            changes.append(violation + "; clamped to the limit")
        joints = dict(zip(PITCH_JOINTS, values, strict=True))
        joints["arm_claw"] = claw_value
        if not changes:
            return IkResult(Status.OK, joints=joints, target=target)
        reached = self.forward(*values)[:3]
        moved = math.dist(reached, target)
        note = "; ".join(changes) + f"; moved the target {moved * 1000:.1f} mm"
        return IkResult(Status.OK, note, joints, target, adjusted=reached)

    def solve_batch(self, points: np.ndarray, pitch: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(N, 3) targets -> ((N, 4) yaw, shoulder, elbow, wrist; (N,) Status codes).

        Rows that are not OK hold NaN joints. Non-finite targets raise ValueError."""
        p = np.asarray(points, dtype=float)
        if p.ndim != 2 or p.shape[1] != 3:
            raise ValueError(f"points must have shape (N, 3), got {p.shape}")
        if not np.isfinite(p).all() or not math.isfinite(pitch):
            raise ValueError("targets and pitch must be finite numbers")
        g = self.geometry
        r = np.hypot(p[:, 0], p[:, 1])
        rw = r - g.shoulder_reach - g.hand * math.cos(pitch)
        zw = p[:, 2] - g.shoulder_height - g.hand * math.sin(pitch)
        d2 = rw * rw + zw * zw
        cos_elbow = (d2 - g.upper**2 - g.forearm**2) / (2 * g.upper * g.forearm)
        status = np.full(len(p), Status.OK, dtype=np.int8)
        status[np.abs(cos_elbow) > 1.0] = Status.OUT_OF_REACH
        status[r < 1e-6] = Status.ON_YAW_AXIS
        elbow = -np.arccos(np.clip(cos_elbow, -1.0, 1.0))
        shoulder = np.arctan2(zw, rw) - np.arctan2(
            g.forearm * np.sin(elbow), g.upper + g.forearm * np.cos(elbow)
        )
        q = np.stack([np.arctan2(p[:, 1], p[:, 0]), shoulder, elbow, pitch - shoulder - elbow], 1)
        lower = np.array([self.limits[n].lower for n in PITCH_JOINTS]) - 1e-9
        upper = np.array([self.limits[n].upper for n in PITCH_JOINTS]) + 1e-9
        beyond = ((q < lower) | (q > upper)).any(axis=1) & (status == Status.OK)
        status[beyond] = Status.JOINT_LIMIT
        q[status != Status.OK] = np.nan
        return q, status
