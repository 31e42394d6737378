"""Named arm poses (config/arm_poses.yaml) and taught sequences of poses (ROS-free).

A pose maps joint names to angles within the URDF's limits; it may leave joints out (they stay
where they are). A taught sequence is replayed as one trajectory: each step timed so that no
joint turns faster than `speed`, and the smoothing shim blends through the steps.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from terry.arm.joint_input import JointInputError, check_names, check_positions
from terry.model import JointSpec

NAME = re.compile(r"[a-z][a-z0-9_]*\Z")  # a pose name is also a service name: /arm/pose/<name>
REQUIRED = ("rest", "home", "ready")
Pose = dict[str, float]


class PoseError(JointInputError):
    """A pose or a pose file that cannot be used; the reason says what to fix."""


def check_pose(name: str, pose: Mapping[str, float], joints: Mapping[str, JointSpec]) -> Pose:
    """The pose if its name is usable and every joint is known, finite and within limits."""
    if not isinstance(name, str) or not NAME.match(name):
        raise PoseError(f"pose name {name!r}: use lower-case letters, digits and _")
    if not isinstance(pose, Mapping) or not pose:
        raise PoseError(f"pose {name!r} must map joint names to angles, got {pose!r}")
    names = check_names(list(pose), joints, PoseError)
    try:
        values = [float(v) for v in pose.values()]
    except (TypeError, ValueError):
        raise PoseError(f"pose {name!r}: angles must be numbers, got {dict(pose)}") from None
    try:
        check_positions(0, names, values, joints, PoseError)
    except PoseError as error:
        raise PoseError(f"pose {name!r}: {error}".replace("point 0: ", "")) from None
    return dict(zip(names, values, strict=True))


def load_poses(path: str | Path, joints: Mapping[str, JointSpec]) -> dict[str, Pose]:
    """Every pose in the file, checked; `rest`, `home` and `ready` must be there."""
    data = yaml.safe_load(Path(path).read_text()) or {}
    entries = data.get("poses") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise PoseError(f"{path}: expected a `poses:` mapping of name -> {{joint: angle}}")
    missing = [name for name in REQUIRED if name not in entries]
    if missing:
        raise PoseError(f"{path}: no pose named {', '.join(missing)}")
    try:
        return {name: check_pose(name, pose, joints) for name, pose in entries.items()}
    except PoseError as error:
        raise PoseError(f"{path}: {error}") from None


def sequence_points(
    start: Mapping[str, float],
    poses: Sequence[Mapping[str, float]],
    joints: Mapping[str, JointSpec],
    speed: float,
) -> tuple[tuple[str, ...], list[tuple[float, tuple[float, ...]]]]:
    """Joint names and (time_from_start, positions) points that visit `poses` in order from
    `start`, each step long enough that no joint exceeds `speed` (rad/s) or its URDF limit
    on a raised-cosine profile (peak speed pi/2 times the mean)."""
    if not (math.isfinite(speed) and speed > 0):
        raise PoseError(f"replay speed must be a positive number of rad/s, got {speed}")
    if not poses:
        raise PoseError("nothing to play: record a pose first")
    names = tuple(n for n in joints if any(n in pose for pose in poses))
    current = {n: start[n] for n in names if n in start}
    missing = [n for n in names if n not in current]
    if missing:
        raise PoseError(f"the arm's position is not known yet for {missing}")
    points, time = [], 0.0
    for index, pose in enumerate(poses):
        target = {**current, **check_pose(f"step_{index}", pose, joints)}
        step = max(
            abs(target[n] - current[n]) * math.pi / 2 / min(speed, joints[n].velocity)
            for n in names
        )
        time += max(step, 0.1)
        points.append((time, tuple(target[n] for n in names)))
        current = target
    return names, points
