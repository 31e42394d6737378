"""The dashboard's web server: web/ on port 8080, /bridge.json (where the bridge is), /health.

Arguments (launch files pass them as args="..."): --address (127.0.0.1; any other address needs
--token or TERRY_TOKEN), --port (8080), --web (directory, default the package's web/),
--bridge-port (9090), --bridge-url (default ws://<the page's host>:<bridge-port>/).
Needs no ROS master to run: /health says whether the master (ROS_MASTER_URI) is up.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

import rospy
from werkzeug.serving import make_server

from terry.bridge.config import is_loopback
from terry.dashboard.app import DashboardConfig, create_app
from terry.paths import package_file


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--web", default=str(package_file("web")))
    parser.add_argument("--bridge-port", type=int, default=9090)
    parser.add_argument("--bridge-url", default="")
    parser.add_argument("--token", default=os.environ.get("TERRY_TOKEN", ""))
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args(rospy.myargv()[1:])
    logging.basicConfig(level=logging.INFO, format="[dashboard_server] %(message)s")
    log = logging.getLogger("dashboard_server")
    if not is_loopback(args.address) and not args.token:
        log.error(
            f"refusing to listen on {args.address!r} without an access token: pass --token "
            "(or set TERRY_TOKEN), or listen on 127.0.0.1"
        )
        sys.exit(2)
    config = DashboardConfig(
        web_dir=args.web,
        master_uri=os.environ.get("ROS_MASTER_URI", "http://localhost:11311/"),
        bridge_port=args.bridge_port,
        bridge_url=args.bridge_url,
        token=args.token,
    )
    try:
        server = make_server(args.address, args.port, create_app(config), threaded=True)
    except OSError as exc:
        log.error(f"cannot listen on {args.address}:{args.port}: {exc}")
        sys.exit(2)
    log.info(f"serving {args.web} on http://{args.address}:{server.server_port}/")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    log.info("stopped")
