#!/usr/bin/env python3
"""Screenshots of the running dashboard at desktop and phone sizes (docs/dashboard-*.png).

Start the robot first (`./run sim`, or any launch with launch/dashboard.launch), then:
    .venv/bin/python tools/screenshots.py [--url http://localhost:8080/] [--out docs]
Uses Debian's Chromium through Playwright (no browser download).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8080/")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs"))
    args = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for name, (width, height) in SIZES.items():
            phone = name == "phone"
            page = browser.new_page(
                viewport={"width": width, "height": height},
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
            )
            page.goto(args.url)
            page.wait_for_selector("#conn[data-state=connected]", timeout=30_000)
            page.wait_for_selector("body[data-workspace=ready]", timeout=30_000)
            page.wait_for_timeout(2000)  # let the live panels fill
            path = Path(args.out) / f"dashboard-{name}.png"
            page.screenshot(path=str(path), full_page=not phone)
            print(f"wrote {path}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
