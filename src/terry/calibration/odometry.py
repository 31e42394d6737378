"""Odometry calibration: the wheel radius and track (wheel separation) from runs whose true
length is known, and the drive geometry base_controller uses.

One source of truth: the URDF holds the nominal geometry (`terry.model.drive_geometry`);
config/calibration/odometry.yaml, when present, overrides it with measured values
(`wheel_radius`, `wheel_separation`, m). The fit needs only the wheels' encoder angles, so it
does not depend on the geometry the controller was using while the runs were driven:

- a straight run of true length D with wheel angles dL, dR (rad): radius = D / ((dL + dR) / 2);
- a turn in place of true angle T: separation = radius * (dR - dL) / T.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from terry.calibration import files
from terry.model import DriveGeometry, RobotModel, drive_geometry

NAME = "odometry"
HEADER = """Odometry calibration (terry.bringup.calibrate_odom): overrides the URDF's nominal wheel
radius and separation (m) in base_controller. Delete this file to go back to the URDF's values."""
PLAUSIBLE = (0.5, 2.0)  # a measured value beyond these multiples of the nominal one is refused


@dataclass(frozen=True)
class Run:
    """One guided run: the wheels' encoder angles (rad) and what truly happened."""

    left: float  # rad the left wheel turned
    right: float  # rad the right wheel turned
    distance: float = 0.0  # m driven straight (straight runs)
    turn: float = 0.0  # rad turned in place (turns), unwrapped: two turns are 4 pi


def fit(straight: Sequence[Run], turns: Sequence[Run], nominal: DriveGeometry) -> DriveGeometry:
    """Radius from the straight runs, then separation from the turns (runs may go either way);
    ValueError saying why a set of runs cannot give a sensible answer (nothing is written)."""
    if not straight or not turns:
        raise ValueError("need at least one straight run and one turn in place")
    for run in straight:
        rolled = (run.left + run.right) / 2
        if abs(run.distance) < 0.1 or rolled * run.distance <= 0:
            raise ValueError(
                f"a straight run went {run.distance:.3f} m while the wheels rolled "
                f"{rolled:.2f} rad: drive at least 0.1 m, the way the wheels turn (a reversed "
                "motor or encoder? run the wiring test)"
            )
    for run in turns:
        spun = run.right - run.left
        if abs(run.turn) < math.pi or spun * run.turn <= 0:
            raise ValueError(
                f"a turn went {math.degrees(run.turn):.0f} degrees while the wheels turned "
                f"{'left' if spun > 0 else 'right'}: turn at least half a turn, the way the "
                "wheels do (a reversed motor or encoder? run the wiring test)"
            )
    driven = sum(abs(r.distance) for r in straight)
    radius = driven / sum(abs(r.left + r.right) / 2 for r in straight)
    spun = sum(abs(r.right - r.left) for r in turns)
    separation = radius * spun / sum(abs(r.turn) for r in turns)
    for what, value, reference in (
        ("wheel radius", radius, nominal.wheel_radius),
        ("wheel separation", separation, nominal.wheel_separation),
    ):
        low, high = (reference * k for k in PLAUSIBLE)
        if not low <= value <= high:
            raise ValueError(
                f"measured {what} {value:.4f} m is far from the URDF's {reference:.4f} m "
                f"(accepted {low:.4f}..{high:.4f}): check the distance and angle entered "
                "(metres, degrees) and that the wheels did not slip"
            )
    return DriveGeometry(radius, separation)


def save(geometry: DriveGeometry, path: str | Path | None = None) -> Path:
    data = {
        "wheel_radius": round(geometry.wheel_radius, 6),
        "wheel_separation": round(geometry.wheel_separation, 6),
    }
    return files.write(path or files.default_path(NAME), HEADER, data)


def drive_geometry_for(
    robot: RobotModel, path: str | Path | None = None
) -> tuple[DriveGeometry, str]:
    """The geometry to drive with and where it came from: the calibration file's values where it
    has them, else the URDF's. ValueError naming the file when it is malformed."""
    nominal = drive_geometry(robot)
    path = Path(path or files.default_path(NAME))
    data = files.read(path)
    if data is None:
        return nominal, f"the URDF's (no {path})"
    unknown = set(data) - {"wheel_radius", "wheel_separation"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    try:
        geometry = DriveGeometry(
            float(data.get("wheel_radius", nominal.wheel_radius)),
            float(data.get("wheel_separation", nominal.wheel_separation)),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: {error}") from None
    return geometry, f"calibrated ({path})"
