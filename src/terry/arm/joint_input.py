"""Checks for joint names, positions and a point's other fields that come from outside (the
servo driver's and the smoothing shim's trajectories): one wording of every refusal, whoever
refuses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from terry.model import JointSpec

LIMIT_TOLERANCE = 1e-9  # rad: rounding only


class JointInputError(ValueError):
    """Joint names or positions that cannot be used; the reason says what to fix."""


def check_names(
    names: Sequence[str],
    joints: Mapping[str, JointSpec],
    error: type[JointInputError] = JointInputError,
) -> tuple[str, ...]:
    """The names, if every one is a known joint and none repeats; else `error` says why."""
    unknown = [n for n in names if n not in joints]
    if unknown:
        raise error(f"unknown joints {unknown}; known here: {sorted(joints)}")
    if len(set(names)) != len(names):
        raise error(f"joint names repeat: {list(names)}")
    return tuple(names)


def check_positions(
    index: int,
    names: Sequence[str],
    positions: Sequence[float],
    joints: Mapping[str, JointSpec],
    error: type[JointInputError] = JointInputError,
) -> tuple[float, ...]:
    """Point `index`'s positions if there is one finite value per name, each within its limits;
    else `error` says why."""
    if len(positions) != len(names):
        raise error(f"point {index} has {len(positions)} positions for {len(names)} joints")
    for name, value in zip(names, positions, strict=True):
        if not math.isfinite(value):
            raise error(f"point {index}: {name} position is {value}")
        spec = joints[name]
        if not spec.within_limits(value, LIMIT_TOLERANCE):
            raise error(
                f"point {index}: {name} = {value:.4f} rad is outside its URDF limits "
                f"[{spec.lower:.4f}, {spec.upper:.4f}]"
            )
    return tuple(float(v) for v in positions)


OPTIONAL_FIELDS = ("velocities", "accelerations", "effort")  # a trajectory point's, in order


def check_optional(
    index: int,
    names: Sequence[str],
    fields: Sequence[Sequence[float]],
    error: type[JointInputError] = JointInputError,
) -> None:
    """A point's velocities, accelerations and effort (in that order, any left out): each empty
    or one finite value per name; else `error` says which field is wrong."""
    if len(fields) > len(OPTIONAL_FIELDS):
        raise error(f"point {index} has {len(fields)} optional fields; known: {OPTIONAL_FIELDS}")
    for label, values in zip(OPTIONAL_FIELDS, fields, strict=False):
        if len(values) not in (0, len(names)):
            raise error(f"point {index} has {len(values)} {label} for {len(names)} joints")
        if not all(math.isfinite(v) for v in values):
            raise error(f"point {index}: {label} must be finite, got {list(values)}")
