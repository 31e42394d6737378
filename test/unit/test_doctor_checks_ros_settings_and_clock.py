"""The doctor judges ROS_MASTER_URI, ROS_IP and ROS_HOSTNAME, the clock skew to the master, a
missing master, and the navigation stack, each with a fix."""

from __future__ import annotations

import socket

import pytest

from terry.bringup import system
from terry.bringup.findings import OK, PROBLEM, WARN


def levels(env: dict[str, str]) -> dict[str, str]:
    return {f.check: f.level for f in system.ros_environment(env)}


def test_a_local_master_with_a_local_ros_ip_is_fine():
    assert levels({"ROS_MASTER_URI": "http://localhost:11311", "ROS_IP": "127.0.0.1"}) == {
        "ROS_MASTER_URI": OK,
        "ROS_IP": OK,
    }


@pytest.mark.parametrize(
    "uri", ["localhost:11311", "http://localhost", "ftp://localhost:11311", "http://:11311"]
)
def test_a_malformed_master_uri_is_a_problem(uri):
    [finding] = system.ros_environment({"ROS_MASTER_URI": uri})
    assert finding.level == PROBLEM and "http://HOST:PORT" in finding.text
    assert finding.fix


def test_an_unset_master_uri_is_a_warning():
    [finding] = system.ros_environment({})
    assert finding.level == WARN and "export ROS_MASTER_URI=" in finding.fix


def test_an_unresolvable_master_host_is_a_problem():
    [finding] = system.ros_environment({"ROS_MASTER_URI": "http://no-such-host.invalid:11311"})
    assert finding.level == PROBLEM and "does not resolve" in finding.text


def test_a_ros_ip_that_is_not_this_machines_or_not_an_address_is_a_problem():
    uri = "http://localhost:11311"
    assert levels({"ROS_MASTER_URI": uri, "ROS_IP": "192.0.2.1"})["ROS_IP"] == PROBLEM
    assert levels({"ROS_MASTER_URI": uri, "ROS_IP": "robot"})["ROS_IP"] == PROBLEM
    assert levels({"ROS_MASTER_URI": uri, "ROS_HOSTNAME": "x.invalid"})["ROS_HOSTNAME"] == PROBLEM


def test_a_remote_master_without_ros_ip_is_a_warning():
    assert levels({"ROS_MASTER_URI": "http://192.0.2.1:11311"})["ROS_IP"] == WARN


def test_clock_skew_is_judged_in_whole_seconds():
    assert system.clock_skew(0.4).level == OK
    assert system.clock_skew(-1.2).level == WARN
    skewed = system.clock_skew(3.0)
    assert skewed.level == PROBLEM and "+3 s" in skewed.text and "chrony" in skewed.fix


def test_no_master_listening_is_a_warning_that_says_how_to_start_one():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    [finding] = system.master(f"http://127.0.0.1:{port}", timeout=1.0)
    assert finding.level == WARN and "./run sim" in finding.fix


def test_missing_navigation_packages_are_named():
    def find(name: str) -> str:
        if name in ("amcl", "gmapping"):
            raise LookupError(name)
        return f"/opt/{name}"

    finding = system.navigation(find)
    assert finding.level == WARN and "amcl, gmapping" in finding.text
    assert system.navigation(lambda name: f"/opt/{name}").level == OK
