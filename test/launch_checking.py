"""Load launch files with roslaunch's own parser, with ROS packages that are not installed here.

The navigation stack, depthimage_to_laserscan and the Kinect drivers exist on the robot (ROS Noetic
on Ubuntu) but not in Debian. `load_launch` resolves `$(find pkg)` of such a package to a marker
path and records it; an <include> of a file in one is recorded with the args passed to it and
not followed. Everything inside terry is loaded and checked as roslaunch itself would.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import rosgraph.names
import roslaunch.config
import roslaunch.xmlloader
import rospkg
from roslaunch import substitution_args
from roslaunch.xmlloader import XmlLoader, ifunless_test

from terry.paths import package_root

ABSENT = "/absent-ros-package"


class RecordingRosPack(rospkg.RosPack):
    """A RosPack that answers a marker path for packages not installed here, and records them."""

    def __init__(self) -> None:
        super().__init__(rospkg.get_ros_paths())
        self.absent: set[str] = set()

    def get_path(self, name: str) -> str:
        try:
            return super().get_path(name)
        except rospkg.ResourceNotFound:
            self.absent.add(name)
            return f"{ABSENT}/{name}"


@dataclass
class ExternalInclude:
    file: str
    args: dict[str, str] = field(default_factory=dict)


class RecordingLoader(XmlLoader):
    """XmlLoader that records includes of files in absent packages instead of following them."""

    def __init__(self) -> None:
        super().__init__(resolve_anon=False)
        self.external_includes: list[ExternalInclude] = []

    def _include_tag(self, tag, context, ros_config, default_machine, is_core, verbose):
        filename = self.resolve_args(tag.attributes["file"].value, context)
        if not filename.startswith(ABSENT + "/"):
            return super()._include_tag(tag, context, ros_config, default_machine, is_core, verbose)
        if ifunless_test(self, tag, context):
            args = {
                child.getAttribute("name"): self.resolve_args(child.getAttribute("value"), context)
                for child in tag.childNodes
                if getattr(child, "tagName", None) == "arg"
            }
            self.external_includes.append(ExternalInclude(filename, args))
        return default_machine


@dataclass
class Loaded:
    config: roslaunch.config.ROSLaunchConfig
    loader: RecordingLoader
    rospack: RecordingRosPack

    @property
    def nodes(self):
        return self.config.nodes

    def node(self, node_type: str):
        matches = [n for n in self.nodes if n.type == node_type]
        assert len(matches) == 1, f"expected one {node_type} node, found {len(matches)}"
        return matches[0]

    def param(self, key: str):
        return self.config.params[key].value if key in self.config.params else None

    def node_param(self, node, name: str):
        return self.param(rosgraph.names.ns_join(node_fullname(node), name))


def node_fullname(node) -> str:
    return rosgraph.names.ns_join(node.namespace, node.name)


def load_launch(*files: tuple[str, dict[str, str]]) -> Loaded:
    """Load launch files (name under launch/ or path, with args) into one configuration."""
    os.environ["ROS_PACKAGE_PATH"] = os.pathsep.join(
        [str(package_root()), *filter(None, os.environ.get("ROS_PACKAGE_PATH", "").split(":"))]
    )
    rospack = RecordingRosPack()
    substitution_args._rospack = rospack
    loader = RecordingLoader()
    config = roslaunch.config.ROSLaunchConfig()
    for name, args in files:
        path = Path(name) if "/" in name else package_root() / "launch" / name
        loader.load(str(path), config, argv=[f"{k}:={v}" for k, v in args.items()], verbose=False)
    return Loaded(config, loader, rospack)


def resolve_topic(node, topic: str) -> str:
    """The global name a node's topic ends up on, with the node's namespace and remappings."""
    ns = rosgraph.names.make_global_ns(node.namespace)
    private = rosgraph.names.ns_join(ns, node.name)
    remaps = {
        rosgraph.names.resolve_name(src, ns, {}): rosgraph.names.resolve_name(dst, ns, {})
        for src, dst in node.remap_args
    }
    name = (
        rosgraph.names.resolve_name(topic, ns, {})
        if not topic.startswith("~")
        else (rosgraph.names.ns_join(private, topic[1:]))
    )
    return remaps.get(name, name)


def terry_node_topics(node) -> tuple[list[str], list[str]]:
    """What a terry node publishes and subscribes (as its module declares), resolved."""
    module = importlib.import_module(f"terry.nodes.{node.type}")
    return (
        [resolve_topic(node, t) for t in getattr(module, "PUBLISHES", ())],
        [resolve_topic(node, t) for t in getattr(module, "SUBSCRIBES", ())],
    )
