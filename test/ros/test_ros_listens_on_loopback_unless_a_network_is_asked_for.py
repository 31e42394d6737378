"""ROS itself stays on loopback unless the user asks for a network: tools/env.sh sets
ROS_HOSTNAME=localhost when neither ROS_IP nor ROS_HOSTNAME is set (and leaves a user's choice
alone), and with it the master and the nodes bind their ports to 127.0.0.1, not to every
interface (read from the kernel's socket table, not from what ROS says)."""

from __future__ import annotations

import subprocess
import xmlrpc.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fixtures.harness import REPO

LOOPBACK = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def listening(port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) listening on TCP `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.parametrize(
    "given, expected",
    [("", "localhost"), ("ROS_IP=192.0.2.7", ""), ("ROS_HOSTNAME=robot.local", "robot.local")],
)
def test_env_sh_keeps_ros_on_loopback_unless_told(given, expected):
    script = f"unset ROS_IP ROS_HOSTNAME; {given and 'export ' + given + ';'} "
    script += f'source {REPO}/tools/env.sh; printf %s "${{ROS_HOSTNAME:-}}"'
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout == expected


def test_the_master_and_a_python_node_listen_on_loopback_only(ros_master, rospy_node):
    """(roscpp's nodes, rosout among them, bind their ports to every interface whatever the
    settings: docs/bridge.md says so.)"""
    assert listening(urlsplit(ros_master.uri).port) == {LOOPBACK}
    name = rospy_node.get_name()
    code, _, uri = xmlrpc.client.ServerProxy(ros_master.uri).lookupNode("/pytest", name)
    assert code == 1, uri
    assert listening(urlsplit(uri).port) == {LOOPBACK}
