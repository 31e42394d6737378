"""Terry's robot model, read from urdf/terry.urdf: the one source of geometry and joint limits.

    robot = load_robot()                 # the package's URDF (cached)
    robot.joint("arm_elbow").upper       # limits, velocity, origin, axis of any joint
    arm_geometry(robot)                  # link offsets the closed-form IK needs
    drive_geometry(robot)                # wheel radius and separation for the base
    footprint_radius(robot)              # the disc around base_footprint that holds the base

Plain Python (xml.etree): no ROS needed.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from terry.paths import package_file

ARM_JOINTS = ("arm_base_yaw", "arm_shoulder", "arm_elbow", "arm_wrist", "arm_claw")
ARM_PITCH_AXIS = (0.0, -1.0, 0.0)
WHEEL_JOINTS = ("left_wheel_joint", "right_wheel_joint")
Vector = tuple[float, float, float]


@dataclass(frozen=True)
class JointSpec:
    """One URDF joint; lower/upper are +-inf for continuous joints, velocity inf when unset."""

    name: str
    type: str
    parent: str
    child: str
    origin_xyz: Vector
    origin_rpy: Vector
    axis: Vector
    lower: float
    upper: float
    velocity: float
    effort: float

    @property
    def movable(self) -> bool:
        return self.type != "fixed"

    def within_limits(self, value: float, tolerance: float = 1e-9) -> bool:
        return self.lower - tolerance <= value <= self.upper + tolerance


@dataclass(frozen=True)
class RobotModel:
    name: str
    joints: dict[str, JointSpec]
    urdf_text: str

    def joint(self, name: str) -> JointSpec:
        try:
            return self.joints[name]
        except KeyError:
            known = ", ".join(sorted(j.name for j in self.joints.values() if j.movable))
            raise KeyError(f"no joint {name!r} in the URDF; movable joints: {known}") from None

    def joint_by_child(self, link: str) -> JointSpec:
        for joint in self.joints.values():
            if joint.child == link:
                return joint
        raise KeyError(f"no joint has child link {link!r} in the URDF")


@dataclass(frozen=True)
class DriveGeometry:
    """Wheel radius and the distance between the two wheels' contact points (m)."""

    wheel_radius: float
    wheel_separation: float

    def __post_init__(self) -> None:
        if not (self.wheel_radius > 0 and self.wheel_separation > 0):
            raise ValueError(
                f"wheel radius and separation must be positive, got {self.wheel_radius}, "
                f"{self.wheel_separation}: check the wheel joints in urdf/terry.urdf"
            )

    def wheel_speeds(self, linear: float, angular: float) -> tuple[float, float]:
        """(left, right) wheel speeds in rad/s for a body twist (m/s, rad/s)."""
        half = angular * self.wheel_separation / 2
        return (linear - half) / self.wheel_radius, (linear + half) / self.wheel_radius

    def body_twist(self, left: float, right: float) -> tuple[float, float]:
        """(linear m/s, angular rad/s) for wheel speeds in rad/s (or, with dt, displacements)."""
        left_m, right_m = left * self.wheel_radius, right * self.wheel_radius
        return (left_m + right_m) / 2, (right_m - left_m) / self.wheel_separation


def _vector(text: str | None, default: Vector) -> Vector:
    if text is None:
        return default
    values = tuple(float(v) for v in text.split())
    if len(values) != 3:
        raise ValueError(f"expected three numbers, got {text!r}")
    return values  # type: ignore[return-value]


def _joint(element: ET.Element) -> JointSpec:
    origin = element.find("origin")
    axis = element.find("axis")
    limit = element.find("limit")
    kind = element.get("type", "")
    bounded = kind in ("revolute", "prismatic")
    limit_of = limit.get if limit is not None else (lambda _key, default=None: default)
    return JointSpec(
        name=element.get("name", ""),
        type=kind,
        parent=element.find("parent").get("link"),  # type: ignore[union-attr]
        child=element.find("child").get("link"),  # type: ignore[union-attr]
        origin_xyz=_vector(origin.get("xyz") if origin is not None else None, (0.0, 0.0, 0.0)),
        origin_rpy=_vector(origin.get("rpy") if origin is not None else None, (0.0, 0.0, 0.0)),
        axis=_vector(axis.get("xyz") if axis is not None else None, (1.0, 0.0, 0.0)),
        lower=float(limit_of("lower", 0.0)) if bounded else -math.inf,
        upper=float(limit_of("upper", 0.0)) if bounded else math.inf,
        velocity=float(limit_of("velocity", math.inf)),
        effort=float(limit_of("effort", math.inf)),
    )


def parse_urdf(text: str) -> RobotModel:
    """A RobotModel from URDF text."""
    root = ET.fromstring(text)
    joints = {j.name: j for j in map(_joint, root.iter("joint"))}
    return RobotModel(name=root.get("name", ""), joints=joints, urdf_text=text)


@cache
def _load(path: Path) -> RobotModel:
    return parse_urdf(path.read_text())


def load_robot(path: str | Path | None = None) -> RobotModel:
    """The robot model from a URDF file (default: the package's urdf/terry.urdf)."""
    return _load(Path(path or package_file("urdf", "terry.urdf")).resolve())


@dataclass(frozen=True)
class ArmGeometry:
    """The arm's chain in the plane of the yaw joint (m): what the closed-form IK needs.

    shoulder_height/shoulder_reach: the shoulder axis above / ahead of arm_base_link's origin
    along the yaw direction; upper, forearm: shoulder->elbow and elbow->wrist; hand: wrist axis
    to the gripper point (gripper_link)."""

    shoulder_height: float
    shoulder_reach: float
    upper: float
    forearm: float
    hand: float


def _planar_offset(joint: JointSpec) -> tuple[float, float]:
    x, y, z = joint.origin_xyz
    if abs(y) > 1e-9 or any(abs(a) > 1e-9 for a in joint.origin_rpy):
        raise ValueError(
            f"{joint.name}: the closed-form IK needs the arm laid out in the yaw plane "
            f"(origin y = 0 and no rotation), got xyz {joint.origin_xyz} rpy {joint.origin_rpy}"
        )
    return x, z


def arm_geometry(robot: RobotModel) -> ArmGeometry:
    """Link offsets of the arm from the URDF, checked against what the closed form assumes."""
    yaw, shoulder, elbow, wrist = (robot.joint(n) for n in ARM_JOINTS[:4])
    if yaw.axis != (0.0, 0.0, 1.0):
        raise ValueError(f"arm_base_yaw must turn about z (axis 0 0 1), got {yaw.axis}")
    for joint in (shoulder, elbow, wrist):
        if joint.axis != ARM_PITCH_AXIS:
            raise ValueError(f"{joint.name} must pitch about axis 0 -1 0, got {joint.axis}")
    for parent, child in ((yaw, shoulder), (shoulder, elbow), (elbow, wrist)):
        if child.parent != parent.child:
            raise ValueError(f"{child.name} must follow {parent.name} in the chain")
    gripper = robot.joint_by_child("gripper_link")
    if gripper.parent != wrist.child:
        raise ValueError("gripper_link must be fixed to the wrist link")
    yaw_x, yaw_z = _planar_offset(yaw)
    sh_x, sh_z = _planar_offset(shoulder)
    upper, upper_z = _planar_offset(elbow)
    forearm, forearm_z = _planar_offset(wrist)
    hand, hand_z = _planar_offset(gripper)
    if abs(yaw_x) > 1e-9 or max(abs(upper_z), abs(forearm_z), abs(hand_z)) > 1e-9:
        raise ValueError("arm links must lie along x of their frames, yaw axis at arm_base_link")
    return ArmGeometry(yaw_z + sh_z, sh_x, upper, forearm, hand)


def drive_geometry(robot: RobotModel) -> DriveGeometry:
    """Wheel radius (from the wheel's collision cylinder) and separation (from the joints)."""
    left, right = (robot.joint(name) for name in WHEEL_JOINTS)
    root = ET.fromstring(robot.urdf_text)
    link = root.find(f"link[@name='{left.child}']")
    cylinder = link.find("collision/geometry/cylinder") if link is not None else None
    if cylinder is None:
        raise ValueError(f"{left.child} needs a collision cylinder: its radius is the wheel's")
    return DriveGeometry(
        wheel_radius=float(cylinder.get("radius", "nan")),
        wheel_separation=abs(left.origin_xyz[1] - right.origin_xyz[1]),
    )


def footprint_radius(robot: RobotModel, base_link: str = "base_link") -> float:
    """Radius of the disc around base_footprint that holds the base's collision box."""
    link = ET.fromstring(robot.urdf_text).find(f"link[@name='{base_link}']")
    box = link.find("collision/geometry/box") if link is not None else None
    if box is None:
        raise ValueError(f"{base_link} needs a collision box in the URDF: the base's outline")
    origin = link.find("collision/origin")
    ox, oy, _ = _vector(origin.get("xyz") if origin is not None else None, (0.0, 0.0, 0.0))
    sx, sy, _ = (v / 2 for v in _vector(box.get("size"), (0.0, 0.0, 0.0)))
    jx, jy, _ = robot.joint_by_child(base_link).origin_xyz
    return max(math.hypot(jx + ox + dx, jy + oy + dy) for dx in (-sx, sx) for dy in (-sy, sy))
