"""`./run doctor`: check what blocks a first run, say how to fix each, exit 1 on a problem.

./run doctor                          every /dev/serial/by-id port, this machine, ROS
./run doctor --port /tmp/terry/base   (also) these ports: the simulated boards
./run doctor --install-udev           install config/udev/99-terry.rules (terry.bringup.udev)
"""

from __future__ import annotations

import argparse
import os
import sys

from terry.bringup import boards, system, udev
from terry.bringup.findings import OK, PROBLEM, WARN, Finding, summary


def _find_package(name: str) -> str:
    import rospkg  # ROS's package finder; absent on a machine without ROS (a finding, then)

    return rospkg.RosPack().get_path(name)


def examine(ports: list[str], baud: int, timeout: float, by_id: str) -> list[Finding]:
    """Every check, in the order a user fixes them."""
    found = [system.dialout()]
    plugged = boards.serial_ports(by_id)
    board_findings = [boards.check_port(port, baud, timeout) for port in plugged + ports]
    found += board_findings
    if plugged:
        found += boards.missing_boards(board_findings)
    elif not ports:
        found.append(
            Finding(
                "boards",
                WARN,
                f"no USB serial devices in {by_id}",
                "plug the boards in (for the simulated robot: ./run sim)",
            )
        )
    environment = system.ros_environment(os.environ)
    found += environment
    if environment[0].level == OK:
        found += system.master(os.environ["ROS_MASTER_URI"])
    found.append(system.navigation(_find_package))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="doctor", description=__doc__.splitlines()[0])
    parser.add_argument("--port", action="append", default=[], help="also probe this port")
    parser.add_argument("--baud", type=int, default=115200)
    parser.add_argument("--timeout", type=float, default=3.0, help="s to wait for each board")
    parser.add_argument("--by-id", default=boards.BY_ID, help=argparse.SUPPRESS)
    parser.add_argument("--install-udev", action="store_true", help="install the udev rules")
    args = parser.parse_args(argv)
    if args.install_udev:
        return udev.install(by_id=args.by_id)
    findings = examine(args.port, args.baud, args.timeout, args.by_id)
    for finding in findings:
        print(finding.line())
    print(summary(findings))
    return 1 if any(f.level == PROBLEM for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
