#!/usr/bin/env python3
"""Screenshots of the running dashboard at desktop and phone sizes (docs/dashboard-*.png: the
whole page on a desktop, the first screen on a phone, where the map comes first), and
what the page costs: bytes loaded, and the browser's CPU time for the page while it runs.

Start the robot first (`./run sim`, or any launch with launch/dashboard.launch), then:
    .venv/bin/python tools/screenshots.py [--url http://localhost:8080/] [--out docs] [--cost S]
--cost S: no screenshots; load the page, then measure S seconds of steady state (the CPU time
of every Chromium process this script started, from /proc, so a busy machine does not inflate
it) and print the figures.
Uses Debian's Chromium through Playwright (no browser download).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def open_page(browser, url: str, name: str):
    width, height = SIZES[name]
    phone = name == "phone"
    page = browser.new_page(
        viewport={"width": width, "height": height},
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    loaded: list[int] = []
    page.on("response", lambda r: loaded.append(len(r.body()) if r.ok else 0))
    page.goto(url)
    page.wait_for_selector("#conn[data-state=connected]", timeout=30_000)
    page.wait_for_selector("body[data-workspace=ready]", timeout=30_000)
    if page.query_selector("#map"):  # (pages from before the map had none)
        page.wait_for_selector("#map[data-map]", timeout=30_000)
    return page, loaded


def chromium_cpu_seconds() -> float:
    """user + system CPU time of this process's Chromium descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()  # noqa: SIM115 - tiny, read at once
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                is_chromium = b"chrom" in f.read()
        except OSError:
            continue
        if is_chromium:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def measure(browser, url: str, seconds: float) -> None:
    page, loaded = open_page(browser, url, "desktop")
    print(f"page load: {len(loaded)} files, {sum(loaded) / 1024:.0f} KiB")
    page.wait_for_timeout(3000)  # past the first draws
    start, t0 = chromium_cpu_seconds(), time.monotonic()
    page.wait_for_timeout(seconds * 1000)
    cpu, wall = chromium_cpu_seconds() - start, time.monotonic() - t0
    print(f"steady state: Chromium used {cpu / wall * 100:.1f} % of one core for the page")
    print(f"latency readout: {page.text_content('#lag')}")
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8080/")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs"))
    parser.add_argument("--cost", type=float, default=0.0, help="measure this many seconds")
    args = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        if args.cost:
            measure(browser, args.url, args.cost)
        else:
            for name in SIZES:
                page, _ = open_page(browser, args.url, name)
                for panel in page.query_selector_all("main > .panel"):  # canvases draw on screen
                    panel.scroll_into_view_if_needed()
                    page.wait_for_timeout(400)
                page.evaluate("window.scrollTo(0, 0)")
                page.wait_for_timeout(3000)  # let the live panels fill
                path = Path(args.out) / f"dashboard-{name}.png"
                page.screenshot(path=str(path), full_page=name == "desktop")
                print(f"wrote {path}")
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
