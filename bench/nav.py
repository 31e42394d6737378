#!/usr/bin/env python3
"""Benchmark navigation in simulation, the radar (Kinect sweeping) against the Kinect held still.

Each scenario brings up launch/sim.launch in its own ROS master (odometry noise on, the real
gmapping, amcl, move_base and depthimage_to_laserscan from the navigation overlay):
- mapping (`mapping:=true`, `rosrun terry explore`): every minute, the map's coverage of the true
  floor, its accuracy (occupied cells within 0.15 m of a true wall) and free cells inside walls,
  judged as the mapping scenario judges (score_map in test/nav/navsim.py); the time to map
  (coverage >= 90 %, or explore saying the map is closed).
- navigation (`navigation:=true`): a goal in every room in turn (the navigation scenario's tour,
  ROOMS in test/nav/navsim.py): success (reached, within 0.3 m of the goal in truth), path
  length driven against the shortest path on the true map (8-connected Dijkstra, kept the
  footprint radius from walls), amcl's error against /sim/ground_truth at each arrival; and the
  CPU each node of the navigating graph takes, as a share of one core of this machine.
Run: ./run bench nav [--minutes 10] [--only mapping|navigation] [--radar-only]
     [--picture docs/navigation-map.png]
Needs the navigation overlay (`./run setup`); about 2 x (2 x minutes + 10) minutes in all.
(Over 300 lines: the mapping and navigation scenarios and their scoring, run as one script.)
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "test"))
sys.path.insert(0, str(ROOT / "test" / "nav"))

from terry.model import footprint_radius, load_robot  # noqa: E402
from terry.nav.frontier import NEIGHBOURS, Grid, grow  # noqa: E402

GOAL_TOLERANCE = 0.3  # m
CLK_TCK = os.sysconf("SC_CLK_TCK")


def grid_of(msg) -> Grid:
    i = msg.info
    return Grid.from_flat(
        msg.data, i.width, i.height, i.resolution, (i.origin.position.x, i.origin.position.y)
    )


def shortest_path(truth: Grid, start, goal, radius: float) -> float:
    """Length of the shortest 8-connected path on the true map, kept `radius` from walls."""
    passable = truth.free & ~grow(truth.occupied | truth.unknown, radius / truth.resolution)
    begin, end = truth.cell_of(*start), truth.cell_of(*goal)
    best = {begin: 0.0}
    queue = [(0.0, begin)]
    while queue:
        cost, cell = heapq.heappop(queue)
        if cell == end:
            return cost * truth.resolution
        if cost > best[cell]:
            continue
        for dr, dc in NEIGHBOURS:
            nxt = (cell[0] + dr, cell[1] + dc)
            if not (0 <= nxt[0] < passable.shape[0] and 0 <= nxt[1] < passable.shape[1]):
                continue
            if not passable[nxt] and nxt != end:
                continue
            step = cost + math.hypot(dr, dc)
            if step < best.get(nxt, math.inf):
                best[nxt] = step
                heapq.heappush(queue, (step, nxt))
    return math.nan


class CpuMeter:
    """CPU time of every node's process (from the master, /proc), between start() and shares()."""

    def __init__(self, master_uri: str) -> None:
        self.master = xmlrpc.client.ServerProxy(master_uri)
        self.first: dict[str, tuple[int, float]] = {}

    def _pids(self) -> dict[str, int]:
        _, _, state = self.master.getSystemState("/bench")
        names = {node for kind in state for _, nodes in kind for node in nodes}
        pids = {}
        for name in names:
            code, _, uri = self.master.lookupNode("/bench", name)
            if code != 1:
                continue
            try:
                code, _, pid = xmlrpc.client.ServerProxy(uri).getPid("/bench")
            except OSError:
                continue
            if code == 1:
                pids[name] = pid
        return pids

    @staticmethod
    def _cpu(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def start(self) -> None:
        self.first = {
            name: (pid, self._cpu(pid)) for name, pid in self._pids().items() if pid != os.getpid()
        }
        self.t0 = time.monotonic()

    def shares(self) -> dict[str, float]:
        elapsed = time.monotonic() - self.t0
        out = {}
        for name, (pid, cpu) in self.first.items():
            try:
                out[name] = (self._cpu(pid) - cpu) / elapsed
            except OSError:
                continue
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def scenario(kind: str, radar: bool, minutes: float, picture: str) -> dict:
    """One bring-up in its own master; returns the figures as a dict."""
    from fixtures.harness import Master, ProcessGroup, wait_for

    home = Path(tempfile.mkdtemp(prefix="terry-bench-nav-"))
    master = Master(home)
    group = ProcessGroup({**master.env, "TERRY_RUN_DIR": str(home / "run")}, home)
    (home / "run").mkdir()
    os.environ.update(master.env)
    try:
        import rospy
        from nav_msgs.msg import OccupancyGrid, Odometry

        args = [f"{kind}:=true", f"radar:={str(radar).lower()}", "no_dashboard:=true"]
        launch = group.start("roslaunch", "terry", "sim.launch", "x:=0", "y:=0", "yaw:=0", *args)
        rospy.init_node("bench_nav", disable_signals=True)
        latest: dict[str, object] = {}
        path = {"length": 0.0, "last": None}
        lock = threading.Lock()

        def on_truth(msg) -> None:
            p = msg.pose.pose.position
            with lock:
                latest["truth"] = msg
                if path["last"] is not None:
                    path["length"] += math.dist(path["last"], (p.x, p.y))
                path["last"] = (p.x, p.y)

        rospy.Subscriber("/sim/ground_truth", Odometry, on_truth, queue_size=10)
        rospy.Subscriber("/sim/map", OccupancyGrid, lambda m: latest.__setitem__("world", m))
        rospy.Subscriber("/map", OccupancyGrid, lambda m: latest.__setitem__("map", m))
        wait_for(lambda: {"world", "truth"} <= set(latest) or not launch.alive, 120, "sim")
        if not launch.alive:
            raise RuntimeError(launch.output()[-3000:])
        truth = grid_of(latest["world"])
        if kind == "mapping":
            return mapping(group, latest, truth, minutes, picture, home)
        return navigation(master.uri, latest, path, lock, truth)
    finally:
        group.stop_all()
        master.stop()


def mapping(group, latest, truth: Grid, minutes: float, picture: str, home: Path) -> dict:
    import rospy
    from navsim import score_map  # the mapping scenario's judge
    from std_msgs.msg import String

    status: dict[str, str] = {}
    rospy.Subscriber("/explore/status", String, lambda m: status.update(json.loads(m.data)))
    saved = home / "explored"
    group.start(
        "rosrun",
        "terry",
        "explore",
        f"_time_limit:={minutes * 60}",
        f"_map_file:={saved}",
    )
    start, per_minute, time_to_map = time.monotonic(), [], math.nan
    while time.monotonic() - start < minutes * 60 + 90:
        time.sleep(60 - (time.monotonic() - start) % 60)
        if "map" not in latest:
            continue
        figures = dataclasses.asdict(score_map(latest["map"]))
        figures["minute"] = round((time.monotonic() - start) / 60)
        per_minute.append(figures)
        print(f"    {figures}", flush=True)
        if math.isnan(time_to_map) and figures["coverage"] >= 0.9:
            time_to_map = (time.monotonic() - start) / 60
        if status.get("state") in ("done", "stopped"):
            break
    final = dataclasses.asdict(score_map(latest["map"]))
    if picture:
        draw(grid_of(latest["map"]), truth, picture)
    return {"per_minute": per_minute, "final": final, "time_to_90": time_to_map, **status}


def navigation(master_uri: str, latest, path, lock, truth: Grid) -> dict:
    import actionlib
    import rospy
    from geometry_msgs.msg import PoseWithCovarianceStamped
    from move_base_msgs.msg import MoveBaseAction
    from navsim import ROOMS, goal

    rospy.Subscriber(
        "/amcl_pose", PoseWithCovarianceStamped, lambda m: latest.__setitem__("amcl", m)
    )
    client = actionlib.SimpleActionClient("move_base", MoveBaseAction)
    if not client.wait_for_server(rospy.Duration(180)):
        raise RuntimeError("move_base did not come up in 180 s")
    radius = footprint_radius(load_robot())
    meter = CpuMeter(master_uri)
    meter.start()
    results = []
    for room, (gx, gy, yaw) in ROOMS.items():
        with lock:
            p = latest["truth"].pose.pose.position
            here, path["length"] = (p.x, p.y), 0.0
        began = time.monotonic()
        client.send_goal(goal(gx, gy, yaw))
        finished = client.wait_for_result(rospy.Duration(240))
        if not finished:
            client.cancel_goal()
        time.sleep(1.0)
        with lock:
            p = latest["truth"].pose.pose.position
            driven = path["length"]
        amcl = latest.get("amcl")
        error = (
            math.dist((amcl.pose.pose.position.x, amcl.pose.pose.position.y), (p.x, p.y))
            if amcl is not None
            else math.nan
        )
        miss = math.dist((p.x, p.y), (gx, gy))
        shortest = shortest_path(truth, here, (gx, gy), radius)
        result = {
            "goal": room,
            "reached": bool(finished and client.get_state() == 3 and miss <= GOAL_TOLERANCE),
            "miss": miss,
            "seconds": time.monotonic() - began,
            "path_ratio": driven / shortest if shortest > 0 else math.nan,
            "amcl_error": error,
        }
        results.append(result)
        print(f"    {result}", flush=True)
    return {"goals": results, "cpu": meter.shares()}


def draw(built: Grid, truth: Grid, picture: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def image(grid: Grid) -> np.ndarray:
        out = np.full(grid.cells.shape, 0.6)
        out[grid.free] = 1.0
        out[grid.occupied] = 0.0
        return out

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, grid, title in ((axes[0], truth, "true map (/sim/map)"), (axes[1], built, "gmapping")):
        h, w = grid.cells.shape
        extent = (
            grid.origin[0],
            grid.origin[0] + w * grid.resolution,
            grid.origin[1],
            grid.origin[1] + h * grid.resolution,
        )
        ax.imshow(image(grid), cmap="gray", origin="lower", extent=extent, vmin=0, vmax=1)
        ax.set_xlim(truth.origin[0], truth.origin[0] + truth.cells.shape[1] * truth.resolution)
        ax.set_ylim(truth.origin[1], truth.origin[1] + truth.cells.shape[0] * truth.resolution)
        ax.set_title(title)
        ax.set_xlabel("x (m)")
    fig.tight_layout()
    fig.savefig(picture, dpi=80)


def summary(name: str, figures: dict) -> None:
    print(f"== {name}")
    if "final" in figures:
        f = figures["final"]
        to_90 = figures["time_to_90"]
        mapped = f"after {to_90:.1f} min" if math.isfinite(to_90) else "not reached"
        print(
            f"  after exploring: coverage {f['coverage']:.0%}, occupied cells on walls "
            f"{f['on_walls']:.0%}, free cells inside walls {f['free_in_walls']:.1%}; "
            f"90 % coverage {mapped}; explore: "
            f"{figures.get('state', '?')} {figures.get('reason', '')}"
        )
    if "goals" in figures:
        goals = figures["goals"]
        reached = [g for g in goals if g["reached"]]
        print(
            f"  goals reached {len(reached)}/{len(goals)}; path / shortest median "
            f"{np.nanmedian([g['path_ratio'] for g in reached] or [math.nan]):.2f}; amcl error "
            f"median {np.nanmedian([g['amcl_error'] for g in goals]):.3f} m, max "
            f"{np.nanmax([g['amcl_error'] for g in goals]):.3f} m"
        )
        print("  CPU, share of one core of this machine:")
        for node, share in figures["cpu"].items():
            print(f"    {node:<28} {share:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="exploring time limit")
    parser.add_argument("--only", choices=("mapping", "navigation"))
    parser.add_argument("--radar-only", action="store_true", help="skip the Kinect held still")
    parser.add_argument("--picture", default="", help="save the built map beside the true one")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)  # internal: one bring-up
    args = parser.parse_args()
    if args.scenario:
        kind, radar = args.scenario.split(":")
        figures = scenario(kind, radar == "radar", args.minutes, args.picture)
        print("RESULT " + json.dumps(figures, default=float), flush=True)
        return
    kinds = [args.only] if args.only else ["mapping", "navigation"]
    modes = ["radar"] if args.radar_only else ["radar", "still"]
    for kind in kinds:
        for mode in modes:
            name = f"{kind}, Kinect {'sweeping (radar)' if mode == 'radar' else 'held still'}"
            print(f"-- {name}", flush=True)
            argv = [sys.executable, __file__, "--scenario", f"{kind}:{mode}"]
            argv += ["--minutes", str(args.minutes)]
            if args.picture and kind == "mapping" and mode == "radar":
                argv += ["--picture", args.picture]
            done = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
            lines = done.stdout.splitlines()
            print("\n".join(line for line in lines if not line.startswith("RESULT ")))
            result = [line[7:] for line in lines if line.startswith("RESULT ")]
            if done.returncode != 0 or not result:
                print(f"  {name}: failed (exit {done.returncode})")
                continue
            summary(name, json.loads(result[0]))


if __name__ == "__main__":
    main()
