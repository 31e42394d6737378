#!/usr/bin/env python3
"""Benchmark the simulated Kinect: time per 640-beam scan of the apartment, against the real
Kinect's frame period (33 ms) and against a plain per-beam Python ray march in the same process;
and time per rendered depth image (terry.sim.depth_camera) at 160 x 120, 320 x 240 and 640 x 480,
as a share of one core at the 10 Hz sim_world renders them.

Run: .venv/bin/python bench/sim_world.py
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from terry.base.drive import Pose2D
from terry.model import DriveGeometry
from terry.paths import package_file
from terry.sim.depth_camera import DepthCamera, render, rotation_matrix
from terry.sim.world import DepthScanner, OccupancyMap, World

KINECT_FRAME_PERIOD = 1 / 30


def per_beam_march(world: World, sensor: Pose2D, scanner: DepthScanner) -> list[float]:
    """The peer: one beam at a time, one step at a time."""
    step = world.grid.resolution / 2
    out = []
    for angle in scanner.angles:
        heading = sensor.yaw + angle
        r = step
        hit = math.nan
        while r <= scanner.range_max:
            if world.grid.is_solid(
                sensor.x + r * math.cos(heading), sensor.y + r * math.sin(heading)
            ):
                edge = r - step / 2  # midway between the last free and the first solid sample
                hit = edge if edge >= scanner.range_min else math.nan
                break
            r += step
        out.append(hit)
    return out


def timed(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    grid = OccupancyMap.load(package_file("maps", "apartment.yaml"))
    world = World(grid, DriveGeometry(0.05, 0.3), 0.2, Pose2D())
    scanner = DepthScanner()
    sensors = [Pose2D(0.0, 0.0, a) for a in np.linspace(0, 2 * math.pi, 8, endpoint=False)]
    vectorised = timed(lambda: [world.scan(s, scanner) for s in sensors], 5) / len(sensors)
    peer = timed(lambda: per_beam_march(world, sensors[0], scanner), 1)
    assert np.allclose(
        world.scan(sensors[0], scanner), per_beam_march(world, sensors[0], scanner), equal_nan=True
    )
    print(f"scan (640 beams, 8 m): {vectorised * 1e3:.2f} ms")
    print(f"  per-beam Python march: {peer * 1e3:.1f} ms  -> speed-up x{peer / vectorised:.0f}")
    print(f"  share of a Kinect frame period (33 ms): {vectorised / KINECT_FRAME_PERIOD:.2f}")
    optical = np.array([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])
    views = [rotation_matrix(Pose2D(0.0, 0.0, s.yaw).quaternion()) @ optical for s in sensors]
    for width, height in ((160, 120), (320, 240), (640, 480)):
        camera = DepthCamera(width, height)
        rng = np.random.default_rng(0)
        per_image = timed(
            lambda c=camera, r=rng: [render(grid, c, [0.0, 0.0, 0.255], v, r) for v in views], 2
        ) / len(views)
        print(
            f"depth image {width} x {height}: {per_image * 1e3:.1f} ms"
            f"  -> {per_image * 10:.0%} of a core at 10 Hz"
            f", {per_image / KINECT_FRAME_PERIOD:.1f} Kinect frame periods"
        )


if __name__ == "__main__":
    main()
