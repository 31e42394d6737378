#!/usr/bin/env python3
"""Generate maps/apartment.pgm + .yaml: a small apartment for the simulated world (reproducible).

Run from the repository: `.venv/bin/python tools/make_map.py` (writes into maps/). Walls are
10 cm thick, doorways 0.9 m wide; the origin (0, 0) is in the living room, where the robot starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from terry.sim.world import write_pgm  # noqa: E402

RESOLUTION = 0.05
ORIGIN = (-3.0, -3.0)  # the map's lower-left corner in the map frame
SIZE = (11.0, 8.0)  # metres, with a 0.5 m margin of unknown space outside the outer walls
FREE, OCCUPIED, UNKNOWN = 254, 0, 205

# Solid rectangles (x0, y0, x1, y1) in metres, in the map frame.
WALLS = [
    (-2.5, -2.5, 7.5, -2.4),  # outer walls
    (-2.5, 4.4, 7.5, 4.5),
    (-2.5, -2.5, -2.4, 4.5),
    (7.4, -2.5, 7.5, 4.5),
    (3.0, -2.5, 3.1, -0.4),  # living room | kitchen, doorway y -0.4 .. 0.5
    (3.0, 0.5, 3.1, 1.5),
    (-2.5, 1.5, -0.5, 1.6),  # living room | bedroom, doorway x -0.5 .. 0.4
    (0.4, 1.5, 4.2, 1.6),
    (5.1, 1.5, 7.5, 1.6),  # hallway | kitchen, doorway x 4.2 .. 5.1
    (2.5, 1.6, 2.6, 4.5),  # bedroom | bathroom
    (2.6, 3.0, 3.4, 3.1),  # bathroom door frame, doorway x 3.4 .. 4.3
    (4.3, 3.0, 7.5, 3.1),
]
FURNITURE = [
    (-2.4, -2.4, -0.6, -1.6),  # sofa against the south wall
    (0.8, -0.9, 0.85, -0.85),  # coffee table legs: four thin posts
    (1.6, -0.9, 1.65, -0.85),
    (0.8, -0.35, 0.85, -0.3),
    (1.6, -0.35, 1.65, -0.3),
    (6.7, -2.4, 7.4, 1.0),  # kitchen counter
    (4.5, -1.5, 5.5, -0.8),  # kitchen table
    (-2.4, 2.8, -0.9, 4.4),  # bed
    (1.8, 3.9, 2.5, 4.4),  # wardrobe
    (5.0, 3.6, 5.6, 4.4),  # bathtub end
]


def render() -> np.ndarray:
    """The map image, row 0 at the top (highest y), as map_server reads it."""
    cols, rows = round(SIZE[0] / RESOLUTION), round(SIZE[1] / RESOLUTION)
    grid = np.full((rows, cols), UNKNOWN, dtype=np.uint8)
    inside = round(0.6 / RESOLUTION)
    grid[inside:-inside, inside:-inside] = FREE
    for x0, y0, x1, y1 in WALLS + FURNITURE:
        c0, c1 = (round((v - ORIGIN[0]) / RESOLUTION) for v in (x0, x1))
        r0, r1 = (round((v - ORIGIN[1]) / RESOLUTION) for v in (y0, y1))
        grid[r0:r1, c0:c1] = OCCUPIED
    return np.flipud(grid)


def map_yaml(image_name: str) -> str:
    return (
        f"image: {image_name}\n"
        f"resolution: {RESOLUTION}\n"
        f"origin: [{ORIGIN[0]}, {ORIGIN[1]}, 0.0]\n"
        "negate: 0\n"
        "occupied_thresh: 0.65\n"
        "free_thresh: 0.196\n"
    )


def main(out_dir: Path = REPO / "maps") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_pgm(out_dir / "apartment.pgm", render())
    (out_dir / "apartment.yaml").write_text(map_yaml("apartment.pgm"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "maps")
