"""The machine's side of a first run: serial permissions, the ROS network settings, the master
and the clock skew to it, and the navigation stack."""

from __future__ import annotations

import grp
import http.client
import ipaddress
import os
import pwd
import socket
import time
import xmlrpc.client
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from urllib.parse import urlparse

from terry.bringup.boards import DIALOUT_FIX
from terry.bringup.findings import OK, PROBLEM, WARN, Finding

SKEW_WARN = 1.0  # s: the master's HTTP Date header has a resolution of 1 s
SKEW_PROBLEM = 2.0  # s: tf and message filters drop data from a clock this far off
NAVIGATION = ("move_base", "amcl", "map_server", "gmapping")
ENV_FIX = "export ROS_MASTER_URI=http://localhost:11311 (or the robot's name) in ~/.bashrc"


def dialout() -> Finding:
    """Can this user open serial ports?"""
    if os.geteuid() == 0:
        return Finding("dialout", OK, "running as root")
    try:
        group = grp.getgrnam("dialout")
    except KeyError:
        return Finding("dialout", WARN, "no dialout group on this system")
    if group.gr_gid in os.getgroups():
        return Finding("dialout", OK, "user is in dialout")
    user = pwd.getpwuid(os.getuid()).pw_name
    if user in group.gr_mem:
        return Finding(
            "dialout",
            PROBLEM,
            f"{user} was added to dialout, but not in this session",
            "log out and in again (or run `newgrp dialout`)",
        )
    return Finding(
        "dialout", PROBLEM, f"{user} is not in dialout: no access to the boards", DIALOUT_FIX
    )


def _is_local(address: str) -> bool:
    try:
        with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as s:
            s.bind((address, 0))
        return True
    except OSError:
        return False


def ros_environment(env: Mapping[str, str]) -> list[Finding]:
    """ROS_MASTER_URI, ROS_IP and ROS_HOSTNAME: well-formed, resolvable, this machine's."""
    uri = env.get("ROS_MASTER_URI", "")
    if not uri:
        return [Finding("ROS_MASTER_URI", WARN, "not set", ENV_FIX)]
    url = urlparse(uri)
    try:
        port = url.port
    except ValueError:
        port = None
    if url.scheme != "http" or not url.hostname or port is None:
        return [
            Finding(
                "ROS_MASTER_URI",
                PROBLEM,
                f"{uri!r} is not http://HOST:PORT",
                "e.g. export ROS_MASTER_URI=http://robot.local:11311",
            )
        ]
    try:
        master_ip = socket.getaddrinfo(url.hostname, port)[0][4][0]
    except OSError:
        return [
            Finding(
                "ROS_MASTER_URI",
                PROBLEM,
                f"host {url.hostname!r} does not resolve",
                "use the master's IP address, or fix its name in /etc/hosts",
            )
        ]
    found = [Finding("ROS_MASTER_URI", OK, uri)]
    ros_ip, hostname = env.get("ROS_IP", ""), env.get("ROS_HOSTNAME", "")
    if ros_ip:
        try:
            ipaddress.ip_address(ros_ip)
        except ValueError:
            found.append(
                Finding(
                    "ROS_IP",
                    PROBLEM,
                    f"{ros_ip!r} is not an IP address",
                    "set ROS_IP to this machine's address (see `ip -br addr`)",
                )
            )
        else:
            if _is_local(ros_ip):
                found.append(Finding("ROS_IP", OK, ros_ip))
            else:
                found.append(
                    Finding(
                        "ROS_IP",
                        PROBLEM,
                        f"{ros_ip} is not this machine's",
                        "set ROS_IP to this machine's address (see `ip -br addr`)",
                    )
                )
    elif hostname:
        try:
            socket.getaddrinfo(hostname, None)
            found.append(Finding("ROS_HOSTNAME", OK, hostname))
        except OSError:
            found.append(
                Finding(
                    "ROS_HOSTNAME",
                    PROBLEM,
                    f"{hostname!r} does not resolve",
                    "use ROS_IP with this machine's address instead",
                )
            )
    elif not _is_local(master_ip):
        found.append(
            Finding(
                "ROS_IP",
                WARN,
                "the master is on another machine and neither ROS_IP nor "
                "ROS_HOSTNAME is set: it may not reach this machine's nodes",
                "export ROS_IP=<this machine's address>",
            )
        )
    return found


def clock_skew(skew: float) -> Finding:
    """Judge this machine's clock minus the master's, in seconds."""
    text = f"{skew:+.0f} s against the master's clock"
    fix = "install chrony on every machine (apt-get install chrony) so the clocks agree"
    if abs(skew) >= SKEW_PROBLEM:
        return Finding("clock", PROBLEM, text, fix)
    if abs(skew) >= SKEW_WARN:
        return Finding("clock", WARN, text, fix)
    return Finding("clock", OK, text)


def master(uri: str, timeout: float = 2.0) -> list[Finding]:
    """Is a master answering at uri, and how far is this clock from its machine's?"""
    url = urlparse(uri)
    body = xmlrpc.client.dumps(("/terry_doctor",), "getPid")
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)
    try:
        before = time.time()
        connection.request("POST", "/", body, {"Content-Type": "text/xml"})
        response = connection.getresponse()
        after = time.time()
        params, _ = xmlrpc.client.loads(response.read())
        _code, _message, pid = params[0]
    except (OSError, http.client.HTTPException, xmlrpc.client.Error, ValueError) as error:
        return [
            Finding(
                "master",
                WARN,
                f"no ROS master at {uri} ({error})",
                "start one: ./run sim, ./run robot or roscore",
            )
        ]
    finally:
        connection.close()
    found = [Finding("master", OK, f"answering at {uri} (pid {pid})")]
    date = response.getheader("Date")
    if date:
        found.append(clock_skew((before + after) / 2 - parsedate_to_datetime(date).timestamp()))
    return found


def navigation(find_package) -> Finding:
    """Are the ROS packages that navigation:=true and mapping:=true need installed?"""
    missing = []
    for package in NAVIGATION:
        try:
            find_package(package)
        except Exception:  # rospkg's ResourceNotFound, or no ROS at all
            missing.append(package)
    if missing:
        return Finding(
            "navigation",
            WARN,
            f"missing {', '.join(missing)} (needed only for mapping and navigation)",
            "./run setup builds them (tools/overlay)",
        )
    return Finding("navigation", OK, ", ".join(NAVIGATION))
