"""The MoveIt configuration (moveit/) cannot run on Debian 12, so it is checked against the robot
statically: the SRDF names only the URDF's joints and links, its named states are the arm's named
poses, the joint limits are the URDF's, the controllers are Terry's action servers, and every file
a launch file loads exists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from terry.arm.actions import ARM_ACTION, GRIPPER_ACTION
from terry.arm.poses import load_poses
from terry.model import ARM_JOINTS, load_robot
from terry.paths import package_file

ROBOT = load_robot()
URDF = ET.fromstring(ROBOT.urdf_text)
LINKS = {link.get("name") for link in URDF.iter("link")}
MOVEIT = package_file("moveit")
SRDF = ET.parse(MOVEIT / "config" / "terry.srdf").getroot()
GROUP_JOINTS = {"arm": set(ARM_JOINTS[:4]), "gripper": {"arm_claw"}}


def load(name: str):
    return yaml.safe_load((MOVEIT / "config" / name).read_text())


def chain_joints(base: str, tip: str) -> list[str]:
    """The movable joints from base to tip in the URDF (KeyError if tip is not below base)."""
    joints, link = [], tip
    while link != base:
        joint = ROBOT.joint_by_child(link)
        if joint.movable:
            joints.append(joint.name)
        link = joint.parent
    return joints[::-1]


def test_srdf_groups_are_the_arm_chain_and_the_claw():
    assert SRDF.get("name") == URDF.get("name")
    groups = {g.get("name"): g for g in SRDF.iter("group")}
    assert set(groups) == {"arm", "gripper"}
    chain = groups["arm"].find("chain")
    assert chain_joints(chain.get("base_link"), chain.get("tip_link")) == list(ARM_JOINTS[:4])
    assert [j.get("name") for j in groups["gripper"].iter("joint")] == ["arm_claw"]


def test_srdf_names_only_joints_and_links_of_the_urdf():
    for element in SRDF.iter():
        for key in ("link1", "link2", "parent_link", "base_link", "tip_link"):
            if element.get(key) is not None:
                assert element.get(key) in LINKS, f"{element.tag} {key}={element.get(key)}"
        if element.tag in ("joint", "passive_joint"):
            assert element.get("name") in ROBOT.joints, element.get("name")
    claw = SRDF.find("end_effector")
    assert ROBOT.joint("arm_claw").parent == ROBOT.joint_by_child(claw.get("parent_link")).parent


def test_named_states_are_the_arm_poses_within_the_urdf_limits():
    poses = load_poses(
        package_file("config", "arm_poses.yaml"), {n: ROBOT.joint(n) for n in ARM_JOINTS}
    )
    states = {}
    for state in SRDF.iter("group_state"):
        values = {j.get("name"): float(j.get("value")) for j in state.iter("joint")}
        assert set(values) == GROUP_JOINTS[state.get("group")], state.get("name")
        for name, value in values.items():
            assert ROBOT.joint(name).within_limits(value), (state.get("name"), name, value)
        states[state.get("name")] = values
    for name in ("rest", "home", "ready"):
        arm_part = {n: v for n, v in poses[name].items() if n in GROUP_JOINTS["arm"]}
        assert states[name] == pytest.approx(arm_part), name
    assert states["open"]["arm_claw"] == ROBOT.joint("arm_claw").upper
    assert states["closed"]["arm_claw"] == ROBOT.joint("arm_claw").lower


def test_joint_limits_are_the_urdfs_and_the_shims_acceleration():
    limits = load("joint_limits.yaml")["joint_limits"]
    assert set(limits) == set(ARM_JOINTS)
    shim = ET.parse(package_file("launch", "shim.launch")).getroot()
    acceleration = float(next(a for a in shim.iter("arg") if a.get("name") == "max_acceleration")
                         .get("default"))  # fmt: skip
    for name, limit in limits.items():
        joint = ROBOT.joint(name)
        assert (limit["min_position"], limit["max_position"]) == (joint.lower, joint.upper)
        assert limit["max_velocity"] == joint.velocity
        assert limit["has_acceleration_limits"] and limit["max_acceleration"] == acceleration


def test_controllers_are_terrys_action_servers_for_the_groups_joints():
    controllers = {c["name"]: c for c in load("simple_moveit_controllers.yaml")["controller_list"]}
    arm, gripper = controllers["arm_controller"], controllers["gripper_controller"]
    assert f"/{arm['name']}/{arm['action_ns']}" == ARM_ACTION
    assert arm["type"] == "FollowJointTrajectory" and set(arm["joints"]) == GROUP_JOINTS["arm"]
    assert f"/{gripper['name']}/{gripper['action_ns']}" == GRIPPER_ACTION
    assert gripper["type"] == "GripperCommand" and gripper["joints"] == ["arm_claw"]


def test_kinematics_asks_position_only_ik_for_the_four_joint_arm():
    arm = load("kinematics.yaml")["arm"]
    assert arm["kinematics_solver"] == "kdl_kinematics_plugin/KDLKinematicsPlugin"
    assert arm["position_only_ik"] is True
    assert set(load("ompl_planning.yaml")) >= {"arm", "gripper", "planner_configs"}


@pytest.mark.parametrize("launch", sorted(p.name for p in (MOVEIT / "launch").glob("*.launch")))
def test_moveit_launch_files_load_only_files_that_exist(launch):
    root = ET.parse(MOVEIT / "launch" / launch).getroot()
    for element in root.iter():
        for key in ("file", "textfile"):
            value = element.get(key)
            if value:
                path = re.sub(r"^\$\(find terry\)/", "", value)
                assert package_file(*path.split("/")).exists(), f"{launch}: {value}"
