"""Every launch file parses with roslaunch, refers only to files that exist, and the navigation
stack's topics and frames are the ones Terry's nodes (or the Kinect pipeline) produce and consume.
"""

from __future__ import annotations

import importlib.util
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import roslib.packages
import yaml
from fixtures.launch_checking import (
    ABSENT,
    load_launch,
    node_fullname,
    resolve_topic,
    terry_node_topics,
)

from terry.model import footprint_radius, load_robot
from terry.paths import package_file, package_root

LAUNCH_DIR = package_file("launch")
LAUNCH_FILES = sorted(p.name for p in LAUNCH_DIR.glob("*.launch"))
# Arguments that switch a launch file to a different graph: each variant is parsed too.
VARIANTS = {
    "base.launch": [{"sim": "true"}, {"sim": "false"}],
    "kinect.launch": [{"driver": "freenect"}, {"driver": "openni"}, {"driver": "sim"}],
    "navigation.launch": [
        {"machine": "workstation", "machine_address": "ws.local", "rviz": "true"}
    ],
    "mapping.launch": [
        {"machine": "workstation", "machine_address": "ws.local", "rviz": "true", "explore": "true"}
    ],
    "sim_world.launch": [{"kinect": "depth", "odom_noise": "true"}],
    "sim.launch": [
        {"mapping": "true"},
        {"navigation": "true"},
        {"navigation": "true", "radar": "false"},
        {"mapping": "true", "kinect": "scan"},
    ],
}
# ROS Noetic packages that Terry's launch files use on the robot but Debian does not have,
# with the node types and launch files they provide.
ABSENT_PACKAGES = {
    "move_base": {"move_base"},
    "amcl": {"amcl"},
    "gmapping": {"slam_gmapping"},
    "map_server": {"map_server", "map_saver"},
    "depthimage_to_laserscan": {"depthimage_to_laserscan"},
    "freenect_launch": {"launch/freenect.launch"},
    "openni_launch": {"launch/openni.launch"},
    "rviz": {"rviz"},
}
# The base controller talks to the base board through the serial link (terry.link), and the
# simulated base board runs the base firmware: both come with issue 4's firmware and link.
needs_link = pytest.mark.skipif(
    importlib.util.find_spec("terry.link.transport") is None,
    reason="waiting for the serial link (terry.link.transport), issue 4",
)
needs_sim_base_board = pytest.mark.skipif(
    not package_file("scripts", "sim_base_board").exists(),
    reason="waiting for the simulated base board (base firmware host build + wheel plant), issue 4",
)
CASES = [(name, {}) for name in LAUNCH_FILES] + [
    pytest.param((name, args), marks=needs_sim_base_board)
    if args.get("sim") == "true" or name == "sim.launch"
    else (name, args)
    for name, variants in VARIANTS.items()
    for args in variants
]


def case_id(case) -> str:
    name, args = case
    return name + "".join(f" {k}:={v}" for k, v in args.items())


def files_inside_terry(values) -> list[Path]:
    root = str(package_root())
    found = []
    for value in values:
        for token in str(value).split():
            if token.startswith(root):
                found.append(Path(token))
    return found


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_launch_file_parses_and_everything_it_names_exists(case):
    name, args = case
    loaded = load_launch((name, args))
    for error in loaded.config.config_errors:
        assert not error.startswith("ERROR"), error
    for node in loaded.nodes:
        if node.package == "terry":
            script = package_file("scripts", node.type)
            assert script.is_file() and os.access(script, os.X_OK), f"{script} missing or not +x"
        elif loaded.rospack.get_path(node.package).startswith(ABSENT):
            assert node.type in ABSENT_PACKAGES.get(node.package, ()), (
                f"{node.package}/{node.type} is neither installed here nor a known ROS Noetic node"
            )
        else:
            assert roslib.packages.find_node(node.package, node.type), (
                f"{node.package}/{node.type} not found"
            )
    for include in loaded.loader.external_includes:
        package, _, relative = include.file[len(ABSENT) + 1 :].partition("/")
        assert relative in ABSENT_PACKAGES.get(package, ()), f"unknown include {include.file}"
    named = [p.value for p in loaded.config.params.values()]
    named += [n.args for n in loaded.nodes]
    for path in files_inside_terry(named):
        assert path.exists(), f"{name} refers to {path}, which does not exist"


@pytest.mark.parametrize(
    "path",
    sorted(package_file("config").rglob("*.yaml"))
    + sorted(package_file("config").rglob("*.rviz"))
    + sorted(package_file("maps").glob("*.yaml")),
    ids=lambda p: str(p.relative_to(package_root())),
)
def test_every_yaml_file_loads(path):
    assert isinstance(yaml.safe_load(path.read_text()), dict)


def urdf_links() -> set[str]:
    return {link.get("name") for link in ET.parse(package_file("urdf", "terry.urdf")).iter("link")}


ROBOT = [("base.launch", {"sim": "false"}), ("kinect.launch", {})]
ROBOT_RADAR = [*ROBOT, ("radar.launch", {})]
# (robot parts, the mode's own args) or the simulated robot (sim.launch with these args)
GRAPHS = {
    "robot": (ROBOT, {}),
    "robot radar": (ROBOT_RADAR, {"scan_topic": "/radar/scan"}),
    "sim": ({"radar": "false"}, None),
    "sim radar": ({}, None),
    "sim scan": ({"kinect": "scan"}, None),
}


def mode_graph(param: str, mode: str):
    parts, args = GRAPHS[param]
    if mode == "mapping" and param == "robot radar":  # as docs/navigation.md says to map
        parts = [*ROBOT, ("radar.launch", {"scan_topic": "/scan"})]
    if args is None:
        if not package_file("scripts", "sim_base_board").exists():
            pytest.skip("waiting for the simulated base board")
        return load_launch(("sim.launch", {**parts, mode: "true", "no_dashboard": "true"}))
    return load_launch(
        *parts, (f"{mode}.launch", {**args, **({"explore": "true"} if mode == "mapping" else {})})
    )


@pytest.fixture(scope="module", params=sorted(GRAPHS))
def navigation_graph(request):
    """Base, scan source and navigation, as the robot or the simulation brings them up."""
    return mode_graph(request.param, "navigation")


@pytest.fixture(scope="module", params=sorted(GRAPHS))
def mapping_graph(request):
    return mode_graph(request.param, "mapping")


# Terry's nodes on the navigation side of the graph (the arm's need control_msgs to import)
NAVIGATION_SIDE = ("base_controller", "sim_world", "radar", "nav_estop", "explore")


def published_and_subscribed(loaded) -> tuple[set[str], set[str]]:
    published, subscribed = set(), set()
    for node in loaded.nodes:
        if node.package == "terry" and node.type in NAVIGATION_SIDE:
            pub, sub = terry_node_topics(node)
            published.update(pub)
            subscribed.update(sub)
    return published, subscribed


def scan_producer(loaded, topic: str = "/scan"):
    """The node that makes `topic`: a depthimage_to_laserscan (/scan from the Kinect's band of
    rows, /scan_level from its middle row), or the sim world ray-casting /scan."""
    producers = [
        n
        for n in loaded.nodes
        if n.type == "depthimage_to_laserscan" and resolve_topic(n, "scan") == topic
    ] + [
        n
        for n in loaded.nodes
        if topic == "/scan" and n.type == "sim_world" and loaded.node_param(n, "kinect") == "scan"
    ]
    assert len(producers) == 1, f"exactly one {topic} source: the Kinect pipeline or the sim world"
    return producers[0]


def slam_scan_source(loaded, consumer, level: bool):
    """What gmapping or amcl reads: the radar's full circle (its ranges from the Kinect's middle
    row if `level`, else from its band of rows, or the sim world's /scan), or /scan."""
    topic = resolve_topic(consumer, "scan")
    radars = [n for n in loaded.nodes if n.type == "radar"]
    if radars:
        assert topic == resolve_topic(radars[0], "radar/scan") == "/radar/scan"
        source = scan_producer(loaded, resolve_topic(radars[0], "scan"))
        if source.type == "depthimage_to_laserscan":
            rows = loaded.node_param(source, "scan_height")
            assert (rows == 1) == level, f"the radar reads {'one row' if level else 'the band'}"
        return radars[0]
    assert topic == resolve_topic(scan_producer(loaded), "scan") == "/scan"
    return scan_producer(loaded)


def scan_frame(loaded) -> str:
    node = scan_producer(loaded)
    key = "output_frame_id" if node.type == "depthimage_to_laserscan" else "frame_id"
    frame = loaded.node_param(node, key)
    assert frame, f"{node_fullname(node)} must set ~{key} explicitly"
    return frame


def base_controller(loaded):
    return loaded.node("base_controller")


@needs_link
def test_move_base_drives_our_base_and_reads_our_odometry_and_scan(navigation_graph):
    g = navigation_graph
    published, subscribed = published_and_subscribed(g)
    move_base = g.node("move_base")

    assert resolve_topic(move_base, "cmd_vel") in subscribed, "base controller hears move_base"
    assert g.node_param(move_base, "DWAPlannerROS/odom_topic") in published
    for costmap in ("global_costmap", "local_costmap"):
        prefix = f"{costmap}/obstacle_layer/kinect_scan/"
        topic = g.node_param(move_base, prefix + "topic")
        assert topic == resolve_topic(scan_producer(g), "scan") == "/scan"
        assert g.node_param(move_base, prefix + "sensor_frame") == scan_frame(g)
        assert g.node_param(move_base, f"{costmap}/robot_base_frame") == "base_footprint"
    assert g.node_param(move_base, "local_costmap/global_frame") == "odom"
    assert g.node_param(move_base, "global_costmap/global_frame") == "map"
    map_topic = g.node_param(move_base, "global_costmap/static_layer/map_topic")
    assert map_topic == resolve_topic(g.node("map_server"), "map") == "/map"


def test_amcl_uses_our_frames_and_scan(navigation_graph):
    g = navigation_graph

    amcl, base = g.node("amcl"), base_controller(g)
    slam_scan_source(g, amcl, level=True)  # unbiased ranges for amcl's fit
    assert g.node_param(amcl, "base_frame_id") == g.node_param(base, "base_frame")
    assert g.node_param(amcl, "odom_frame_id") == g.node_param(base, "odom_frame") == "odom"
    assert g.node_param(amcl, "laser_min_range") == pytest.approx(
        g.node_param(scan_producer(g), "range_min")
    )


def test_gmapping_uses_our_frames_and_scan(mapping_graph):
    g = mapping_graph

    gmapping, base = g.node("slam_gmapping"), base_controller(g)
    slam_scan_source(g, gmapping, level=False)  # short-biased: rays end before thin walls
    assert g.node_param(gmapping, "base_frame") == g.node_param(base, "base_frame")
    assert g.node_param(gmapping, "odom_frame") == g.node_param(base, "odom_frame")
    assert g.node_param(gmapping, "maxRange") <= g.node_param(scan_producer(g), "range_max")


def test_frames_named_in_launch_files_exist_in_the_urdf(navigation_graph):
    links = urdf_links()
    assert scan_frame(navigation_graph) in links
    for radar in (n for n in navigation_graph.nodes if n.type == "radar"):
        assert navigation_graph.node_param(radar, "frame_id") in links
    assert navigation_graph.node_param(base_controller(navigation_graph), "base_frame") in links


def test_planner_stays_within_the_base_controllers_limits(navigation_graph):
    g = navigation_graph
    move_base, base = g.node("move_base"), base_controller(g)
    for planner, limit in [
        ("max_vel_x", "max_linear"),
        ("max_vel_theta", "max_angular"),
        ("acc_lim_x", "max_linear_accel"),
        ("acc_lim_theta", "max_angular_accel"),
    ]:
        assert g.node_param(move_base, f"DWAPlannerROS/{planner}") <= g.node_param(base, limit), (
            f"DWA {planner} above the base's {limit}: the base would silently cut the plan"
        )


def test_costmap_footprint_covers_the_base_in_the_urdf(navigation_graph):
    move_base = navigation_graph.node("move_base")
    for costmap in ("global_costmap", "local_costmap"):
        radius = navigation_graph.node_param(move_base, f"{costmap}/robot_radius")
        assert radius >= footprint_radius(load_robot()), "the costmap would let the base scrape"


def map_to_odom_publishers(g) -> list[str]:
    found = [n.type for n in g.nodes if n.type in ("amcl", "slam_gmapping")]
    return found + [
        n.type for n in g.nodes if n.type == "sim_world" and g.node_param(n, "publish_map_odom")
    ]


def test_only_amcl_publishes_map_to_odom_while_navigating(navigation_graph):
    assert map_to_odom_publishers(navigation_graph) == ["amcl"], "publish_map_odom:=false"


def test_only_gmapping_publishes_map_to_odom_while_mapping(mapping_graph):
    assert map_to_odom_publishers(mapping_graph) == ["slam_gmapping"], "publish_map_odom:=false"


def test_sim_world_alone_gives_the_map_frame():
    assert map_to_odom_publishers(load_launch(("sim_world.launch", {}))) == ["sim_world"]


def test_simulated_kinect_feeds_the_real_depth_to_scan_node():
    g = mode_graph("sim radar", "navigation")
    world = g.node("sim_world")
    assert g.node_param(world, "kinect") == "depth"
    assert g.node_param(world, "frame_id") == "camera_depth_optical_frame" in urdf_links()
    for topic in ("/scan", "/scan_level"):
        converter = scan_producer(g, topic)
        assert resolve_topic(world, "camera/depth/image_raw") == resolve_topic(converter, "image")
        rows = g.node_param(converter, "scan_height")
        assert 0 < rows <= g.node_param(world, "height") / 8, "the band must not reach the floor"


def test_mapping_plans_into_unknown_space_and_navigation_does_not(mapping_graph):
    move_base = mapping_graph.node("move_base")
    assert mapping_graph.node_param(move_base, "NavfnROS/allow_unknown") is True
    navigating = mode_graph("sim radar", "navigation").node("move_base")
    assert (
        mode_graph("sim radar", "navigation").node_param(navigating, "NavfnROS/allow_unknown")
        is False
    )


def test_every_costmap_clearing_recovery_names_layers_the_costmaps_have(navigation_graph):
    """ClearCostmapRecovery clears layers by name (default `obstacles`): a wrong name clears
    nothing, and a base trapped by old marks stays trapped. The map's walls are never cleared."""
    g = navigation_graph
    move_base = g.node("move_base")
    recoveries = g.node_param(move_base, "recovery_behaviors")
    clearing = [r for r in recoveries if r["type"].startswith("clear_costmap_recovery/")]
    assert clearing, "move_base must be able to clear stale marks"
    for recovery in clearing:
        name = recovery["name"]
        names = g.node_param(move_base, f"{name}/layer_names")
        assert names and "static_layer" not in names
        affected = g.node_param(move_base, f"{name}/affected_maps")
        costmaps = ("local", "global") if affected in (None, "both") else (affected,)
        for costmap in costmaps:
            layers = {p["name"] for p in g.node_param(move_base, f"{costmap}_costmap/plugins")}
            assert set(names) <= layers, f"{name} clears {names} of the {costmap} {layers}"
