"""The base's outline from the URDF: the disc around base_footprint that holds it (ROS-free)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from terry.robot_model import RobotModel


def footprint_radius(robot: RobotModel, base_link: str = "base_link") -> float:
    """Radius of the disc around base_footprint that holds the base's collision box (URDF)."""
    link = ET.fromstring(robot.urdf_text).find(f"link[@name='{base_link}']")
    box = link.find("collision/geometry/box") if link is not None else None
    if box is None:
        raise ValueError(f"{base_link} needs a collision box in the URDF: the base's outline")
    origin = link.find("collision/origin")
    ox, oy, _ = (
        float(v) for v in (origin.get("xyz", "0 0 0") if origin is not None else "0 0 0").split()
    )
    sx, sy, _ = (float(v) / 2 for v in box.get("size", "").split())
    joint = robot.joint_by_child(base_link)
    jx, jy, _ = joint.origin_xyz
    return max(math.hypot(jx + ox + dx, jy + oy + dy) for dx in (-sx, sx) for dy in (-sy, sy))
