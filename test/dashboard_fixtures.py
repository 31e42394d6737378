"""Fixtures for the dashboard tests: the simulated robot (launch/sim.launch, with the bridge and the
dashboard on free ports), and a page in
real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Use with `pytest_plugins = ["dashboard_fixtures"]`. The robot comes up once per test module (a
fresh one: other modules may start nodes with the same names on the shared master).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from harness import REPO, Master, ProcessGroup, free_port, ros_environment, wait_for
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "health", timeout=2) as response:
            return json.load(response).get("bridge") is True
    except (OSError, urllib.error.URLError, ValueError):
        return False


@pytest.fixture(scope="module")
def dashboard_url(ros_master: Master, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """http://127.0.0.1:<port>/ of the dashboard on the simulated robot."""
    if not (REPO / "web" / "vendor" / "roslib.js").exists():
        pytest.fail("web/vendor/roslib.js is missing: run tools/setup (it builds the bundle)")
    run_dir = tmp_path_factory.mktemp("dashboard_run")
    env = ros_environment(ros_master.uri, ros_master.home, run_dir)
    group = ProcessGroup(env, tmp_path_factory.mktemp("dashboard_logs"))
    http_port = free_port()
    launch = group.start(
        "roslaunch", "terry", "sim.launch", f"bridge_port:={free_port()}", f"http_port:={http_port}"
    )
    url = f"http://127.0.0.1:{http_port}/"
    try:

        def up() -> bool:
            if not launch.alive:
                raise AssertionError(f"the simulated robot exited:\n{launch.output()}")
            return healthy(url)

        wait_for(up, 90, "the dashboard server and the bridge")
        yield url
    finally:
        group.stop_all()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with sync_playwright() as pw:  # Playwright gives the browser a fresh temporary profile
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, dashboard_url: str) -> Iterator[object]:
    """The dashboard, connected to the bridge, with the robot model loaded."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda err: console.append(f"page error: {err}"))
    page.goto(dashboard_url)
    try:
        page.wait_for_selector("#conn[data-state=connected]", timeout=30_000)
        page.wait_for_selector("body[data-workspace=ready]", timeout=30_000)
    except PlaywrightError as exc:
        raise AssertionError(f"the page did not come up: {exc}\n" + "\n".join(console)) from None
    yield page
    page.close()
