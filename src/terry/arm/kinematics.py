"""Closed-form kinematics of Terry's arm: base yaw, shoulder, elbow and wrist pitch, and a claw.

The gripper point (gripper_link) is placed at x, y, z in arm_base_link with the gripper held at a
fixed pitch (0: level). Angles follow the URDF: yaw about z, pitch joints positive upwards.
One branch only (elbow up: arm_elbow <= 0), so nearby targets always give nearby joint angles.

    arm = ArmKinematics.from_robot(load_robot())
    result = arm.solve(0.15, 0.05, 0.10, claw=1.0)
    if result.ok: result.joints   # dict joint name -> angle (rad)
    else: result.reason           # why not, in words a user can act on

Every answer is explicit: `solve` never raises for an unreachable target, it says why; it raises
ValueError only for malformed input (NaN, infinities, claw outside 0..1).
The single solve is plain Python (numpy's per-call overhead would dominate one target);
`solve_batch` / `forward_batch` are the vectorised paths for many targets. (Over 300 lines: the
scalar and the batch form of one closed form stay side by side so that they stay the same.)
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import NamedTuple

import numpy as np

from terry.model import ARM_JOINTS, ArmGeometry, JointSpec, RobotModel, arm_geometry

PITCH_JOINTS = ARM_JOINTS[:4]
_YAW, _SHOULDER, _ELBOW, _WRIST, _CLAW = ARM_JOINTS
_TOLERANCE = 1e-9  # rad: rounding allowed at a joint limit
_ON_AXIS = 1e-6  # m: closer than this to the yaw axis, the yaw is undefined
_CHUNK = 16384  # targets per step of the batch solver
_REFINE_STEPS = 60  # golden-section steps on the workspace boundary (nearest mode)
_BOUNDARY_SAMPLES = 256  # samples per boundary edge before refining (nearest mode)


class Status(IntEnum):
    """Result codes of an IK solve (also the batch solver's per-target codes)."""

    OK = 0
    OUT_OF_REACH = 1
    ON_YAW_AXIS = 2
    JOINT_LIMIT = 3


class IkResult(NamedTuple):
    """The answer to one target: joints when ok, else the reason; `adjusted` when clamped."""

    status: Status
    reason: str = ""
    joints: dict[str, float] = {}  # noqa: RUF012 - never mutated; each answer gets its own dict
    target: tuple[float, float, float] = (math.nan, math.nan, math.nan)
    adjusted: tuple[float, float, float] | None = None

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


def _limit_text(spec: JointSpec, value: float) -> str:
    return f"{spec.name} would be {value:.3f} rad, limits [{spec.lower:.3f}, {spec.upper:.3f}]"


class ArmKinematics:
    """IK and FK for the arm described by the URDF (geometry and limits read from it)."""

    def __init__(self, geometry: ArmGeometry, limits: dict[str, JointSpec]) -> None:
        self.geometry = geometry
        self.limits = limits
        g = geometry
        yaw, shoulder, elbow, wrist = (limits[n] for n in PITCH_JOINTS)
        # the elbow-up branch: elbow in [max(lower, -pi), min(upper, 0)]
        self.elbow_range = (max(elbow.lower, -math.pi), min(elbow.upper, 0.0))
        if self.elbow_range[0] > self.elbow_range[1]:
            raise ValueError(f"arm_elbow limits {elbow.lower}..{elbow.upper} exclude elbow up")
        self.reach_max = self._span(self.elbow_range[1])
        self.reach_min = self._span(self.elbow_range[0])
        self._lo = tuple(limits[n].lower - _TOLERANCE for n in PITCH_JOINTS)
        self._hi = tuple(limits[n].upper + _TOLERANCE for n in PITCH_JOINTS)
        self._d2 = (self.reach_min**2 * (1 - 1e-12), self.reach_max**2 * (1 + 1e-12))
        self._uf = (g.upper**2 + g.forearm**2, 2 * g.upper * g.forearm)
        self._specs = (yaw, shoulder, elbow, wrist)

    def _span(self, elbow: float) -> float:
        """Shoulder-to-wrist distance at this elbow angle."""
        g = self.geometry
        return math.sqrt(
            max(0.0, g.upper**2 + g.forearm**2 + 2 * g.upper * g.forearm * math.cos(elbow))
        )

    @classmethod
    def from_robot(cls, robot: RobotModel) -> ArmKinematics:
        return cls(arm_geometry(robot), {name: robot.joint(name) for name in ARM_JOINTS})

    # Forward kinematics -------------------------------------------------------------------
    def forward(
        self, yaw: float, shoulder: float, elbow: float, wrist: float
    ) -> tuple[float, float, float, float]:
        """Gripper point (x, y, z) in arm_base_link and gripper pitch for the pitch joints."""
        g = self.geometry
        a2 = shoulder + elbow
        a3 = a2 + wrist
        r = g.shoulder_reach + g.upper * math.cos(shoulder) + g.forearm * math.cos(a2)
        r += g.hand * math.cos(a3)
        z = g.shoulder_height + g.upper * math.sin(shoulder) + g.forearm * math.sin(a2)
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
        if not 0.0 <= claw <= 1.0:  # also refuses NaN
            raise ValueError(f"claw must be between 0 (closed) and 1 (open), got {claw}")
        spec = self.limits["arm_claw"]
        return spec.lower + claw * (spec.upper - spec.lower)

    def _planar(self, rw: float, zw: float) -> tuple[float, float] | None:
        """Shoulder and elbow (elbow up) putting the wrist at (rw, zw) from the shoulder axis,
        or None when that is out of reach."""
        d2 = rw * rw + zw * zw
        if not self._d2[0] <= d2 <= self._d2[1]:
            return None
        g = self.geometry
        c = (d2 - self._uf[0]) / self._uf[1]
        c = 1.0 if c > 1.0 else -1.0 if c < -1.0 else c
        s = -math.sqrt(1.0 - c * c)  # sin(elbow) <= 0: elbow up
        fs, fc = g.forearm * s, g.upper + g.forearm * c
        # shoulder = atan2(zw, rw) - atan2(fs, fc), as one atan2
        return math.atan2(zw * fc - rw * fs, rw * fc + zw * fs), math.atan2(s, c)

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

        With nearest=True an unreachable target is replaced by the nearest point the gripper
        can reach at that pitch; `adjusted` then holds that point and `reason` says what was
        changed and by how much."""
        if not (
            math.isfinite(x) and math.isfinite(y) and math.isfinite(z) and math.isfinite(pitch)
        ):
            raise ValueError(
                f"target x, y, z and pitch must be finite numbers, got {x, y, z, pitch}"
            )
        claw_value = self.claw_angle(claw)
        g = self.geometry
        target = (x, y, z)
        r = math.hypot(x, y)
        if r < _ON_AXIS:
            if nearest:
                return self._nearest(target, pitch, claw_value)
            return IkResult(
                Status.ON_YAW_AXIS,
                "target is on the base yaw axis, where the yaw is undefined; move it off the axis",
                target=target,
            )
        yaw = math.atan2(y, x)
        if not self._lo[0] <= yaw <= self._hi[0]:  # behind the arm: say so before the reach
            if nearest:
                return self._nearest(target, pitch, claw_value)
            return IkResult(Status.JOINT_LIMIT, _limit_text(self._specs[0], yaw), target=target)
        rw = r - g.shoulder_reach - g.hand * math.cos(pitch)
        zw = z - g.shoulder_height - g.hand * math.sin(pitch)
        planar = self._planar(rw, zw)
        if planar is None:
            if nearest:
                return self._nearest(target, pitch, claw_value)
            return IkResult(
                Status.OUT_OF_REACH,
                f"target puts the wrist {math.hypot(rw, zw):.3f} m from the shoulder; the arm "
                f"reaches {self.reach_min:.3f} .. {self.reach_max:.3f} m",
                target=target,
            )
        shoulder, elbow = planar
        wrist = pitch - shoulder - elbow
        lo, hi = self._lo, self._hi
        if lo[1] <= shoulder <= hi[1] and lo[2] <= elbow <= hi[2] and lo[3] <= wrist <= hi[3]:
            joints = {
                _YAW: yaw,
                _SHOULDER: shoulder,
                _ELBOW: elbow,
                _WRIST: wrist,
                _CLAW: claw_value,
            }
            return IkResult(Status.OK, "", joints, target)
        if nearest:
            return self._nearest(target, pitch, claw_value)
        index, value = next(
            (i, v) for i, v in ((1, shoulder), (2, elbow), (3, wrist)) if not lo[i] <= v <= hi[i]
        )
        return IkResult(Status.JOINT_LIMIT, _limit_text(self._specs[index], value), target=target)

    # Nearest reachable point ----------------------------------------------------------------
    def _nearest(
        self, target: tuple[float, float, float], pitch: float, claw_value: float
    ) -> IkResult:
        """The reachable gripper point nearest to target with the gripper at `pitch`.

        The best yaw faces the target, faces away from it (reaching back over the shoulder)
        or sits at a limit; for each, the target is projected into that vertical plane and the
        nearest wrist point found there (exactly, or on the boundary of the allowed
        (shoulder, elbow) region)."""
        x, y, z = target
        yaw_spec = self.limits["arm_base_yaw"]
        facing = math.atan2(y, x) if math.hypot(x, y) >= _ON_AXIS else 0.0
        yaws = {
            min(max(yaw, yaw_spec.lower), yaw_spec.upper)
            for yaw in (facing, facing - math.pi, facing + math.pi, 0.0)
        }
        candidates = [c for c in (self._nearest_in_plane(target, yaw, pitch) for yaw in yaws) if c]
        if not candidates:
            wrist = self.limits["arm_wrist"]
            return IkResult(
                Status.JOINT_LIMIT,
                f"no arm pose holds the gripper at pitch {pitch:.3f} rad within the shoulder,"
                f" elbow and wrist limits (arm_wrist [{wrist.lower:.3f}, {wrist.upper:.3f}])",
                target=target,
            )
        values = min(candidates, key=lambda q: math.dist(self.forward(*q)[:3], target))
        joints = dict(zip(PITCH_JOINTS, values))  # noqa: B905 - both have four
        joints["arm_claw"] = claw_value
        reached = self.forward(*values)[:3]
        moved = math.dist(reached, target)
        reason = (
            f"target ({x:.3f}, {y:.3f}, {z:.3f}) is not reachable at pitch {pitch:.3f} rad; "
            f"went to the nearest reachable point ({reached[0]:.3f}, {reached[1]:.3f}, "
            f"{reached[2]:.3f}), moved the target {moved * 1000:.1f} mm"
        )
        return IkResult(Status.OK, reason, joints, target, adjusted=reached)

    def _nearest_in_plane(
        self, target: tuple[float, float, float], yaw: float, pitch: float
    ) -> tuple[float, float, float, float] | None:
        """Joints nearest to target with the arm turned to `yaw`, or None if none hold pitch."""
        g = self.geometry
        radial = target[0] * math.cos(yaw) + target[1] * math.sin(yaw)
        rw = radial - g.shoulder_reach - g.hand * math.cos(pitch)
        zw = target[2] - g.shoulder_height - g.hand * math.sin(pitch)
        planar = self._planar(rw, zw)
        if planar is not None:
            values = (yaw, planar[0], planar[1], pitch - planar[0] - planar[1])
            if all(lo <= v <= hi for lo, v, hi in zip(self._lo, values, self._hi)):  # noqa: B905
                return values
        best = self._nearest_on_boundary(rw, zw, pitch)
        if best is None:
            return None
        return yaw, best[0], best[1], pitch - best[0] - best[1]

    def _allowed_region(self, pitch: float) -> list[tuple[float, float]]:
        """Corners of the (shoulder, elbow) polygon the limits allow at this gripper pitch:
        the shoulder/elbow-up box cut by the wrist band pitch - wrist_upper <= s + e <= ..."""
        sh, wr = self.limits["arm_shoulder"], self.limits["arm_wrist"]
        e_lo, e_hi = self.elbow_range
        polygon = [(sh.lower, e_lo), (sh.upper, e_lo), (sh.upper, e_hi), (sh.lower, e_hi)]
        for sign, bound in ((1.0, pitch - wr.lower), (-1.0, -(pitch - wr.upper))):
            polygon = _clip(polygon, sign, bound)  # keep sign * (s + e) <= bound
        return polygon

    def _nearest_on_boundary(
        self, rw: float, zw: float, pitch: float
    ) -> tuple[float, float] | None:
        polygon = self._allowed_region(pitch)
        if not polygon:
            return None
        g = self.geometry
        corners = np.array(polygon + polygon[:1])
        t = np.linspace(0.0, 1.0, _BOUNDARY_SAMPLES)
        starts, ends = corners[:-1], corners[1:]
        points = starts[:, None, :] + (ends - starts)[:, None, :] * t[None, :, None]
        s, e = points[..., 0], points[..., 1]
        wr = g.upper * np.cos(s) + g.forearm * np.cos(s + e) - rw
        wz = g.upper * np.sin(s) + g.forearm * np.sin(s + e) - zw
        edge, index = np.unravel_index(np.argmin(wr * wr + wz * wz), s.shape)
        a, b = starts[edge], ends[edge]

        def distance2(u: float) -> float:
            ss, ee = a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u
            dr = g.upper * math.cos(ss) + g.forearm * math.cos(ss + ee) - rw
            dz = g.upper * math.sin(ss) + g.forearm * math.sin(ss + ee) - zw
            return dr * dr + dz * dz

        u = _golden_min(distance2, t[max(index - 1, 0)], t[min(index + 1, len(t) - 1)])
        return float(a[0] + (b[0] - a[0]) * u), float(a[1] + (b[1] - a[1]) * u)

    # Batch ----------------------------------------------------------------------------------
    def solve_batch(self, points: np.ndarray, pitch: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(N, 3) targets -> ((N, 4) yaw, shoulder, elbow, wrist; (N,) Status codes).

        The same answers as `solve` (reject mode). Rows that are not OK hold NaN joints.
        Non-finite targets or a wrong shape raise ValueError."""
        p = np.asarray(points, dtype=float)
        if p.ndim != 2 or p.shape[1] != 3:
            raise ValueError(f"points must have shape (N, 3), got {p.shape}")
        if not np.isfinite(p).all() or not math.isfinite(pitch):
            raise ValueError("targets and pitch must be finite numbers")
        q = np.empty((len(p), 4))
        status = np.empty(len(p), dtype=np.int8)
        for start in range(0, len(p), _CHUNK):  # chunks small enough to stay in cache
            rows = slice(start, start + _CHUNK)
            q[rows], status[rows] = self._solve_chunk(p[rows].T.copy(), pitch)
        return q, status

    def _solve_chunk(self, xyz: np.ndarray, pitch: float) -> tuple[np.ndarray, np.ndarray]:
        """(3, n) targets -> ((n, 4) joints, (n,) status), with as few temporaries as may be."""
        g = self.geometry
        x, y, z = xyz
        out = np.empty((4, len(x)))
        yaw, shoulder, elbow, wrist = out
        r = np.hypot(x, y)
        np.arctan2(y, x, out=yaw)
        rw = r - (g.shoulder_reach + g.hand * math.cos(pitch))
        zw = np.subtract(z, g.shoulder_height + g.hand * math.sin(pitch), out=z)
        c = rw * rw
        s = np.multiply(zw, zw, out=y)
        c += s
        out_of_reach = (c < self._d2[0]) | (c > self._d2[1])
        c -= self._uf[0]
        c /= self._uf[1]
        np.clip(c, -1.0, 1.0, out=c)  # cos(elbow)
        np.multiply(c, c, out=s)
        np.subtract(1.0, s, out=s)
        np.sqrt(s, out=s)
        np.negative(s, out=s)  # sin(elbow) <= 0: elbow up
        np.arctan2(s, c, out=elbow)
        s *= g.forearm
        c *= g.forearm
        c += g.upper
        # shoulder = atan2(zw, rw) - atan2(s, c), as one atan2 (the same formula as `solve`)
        np.arctan2(zw * c - rw * s, rw * c + zw * s, out=shoulder)
        np.subtract(pitch, shoulder, out=wrist)
        wrist -= elbow
        # the same precedence as `solve`: on the axis, yaw limit, reach, other limits
        status = np.zeros(len(x), dtype=np.int8)
        for i in (1, 2, 3):
            status[(out[i] < self._lo[i]) | (out[i] > self._hi[i])] = Status.JOINT_LIMIT
        status[out_of_reach] = Status.OUT_OF_REACH
        status[(yaw < self._lo[0]) | (yaw > self._hi[0])] = Status.JOINT_LIMIT
        status[r < _ON_AXIS] = Status.ON_YAW_AXIS
        out[:, status != Status.OK] = np.nan
        return out.T, status


def _clip(
    polygon: list[tuple[float, float]], sign: float, bound: float
) -> list[tuple[float, float]]:
    """The part of a convex polygon in (s, e) where sign * (s + e) <= bound."""
    out: list[tuple[float, float]] = []
    for i, a in enumerate(polygon):
        b = polygon[(i + 1) % len(polygon)]
        fa, fb = sign * (a[0] + a[1]) - bound, sign * (b[0] + b[1]) - bound
        if fa <= 0:
            out.append(a)
        if (fa < 0 < fb) or (fb < 0 < fa):
            k = fa / (fa - fb)
            out.append((a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k))
    return out


def _golden_min(f, lo: float, hi: float) -> float:
    """Where f is smallest on [lo, hi] (f unimodal there)."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(_REFINE_STEPS):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    candidates = [(f(lo), lo), (f(hi), hi), (f((a + b) / 2), (a + b) / 2)]
    return min(candidates)[1]
