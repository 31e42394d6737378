#!/usr/bin/env python3
"""The servo driver's bus cycle on the simulated Maestro over a pseudo-terminal.

    bench/servo.py [seconds per run]

One cycle is what the driver does each loop: send the five targets, read the five positions
back. Ours reads them in one round trip (all requests in one write); the peer, run in the same
process on the same board, asks one channel at a time as a plain implementation would. Printed:
cycles per second of each and the ratio. The driver needs 50 cycles/s.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from terry.arm import maestro  # noqa: E402
from terry.arm.bus import ServoBus  # noqa: E402
from terry.arm.calibration import load_calibration  # noqa: E402
from terry.model import load_robot  # noqa: E402
from terry.paths import package_file  # noqa: E402
from terry.sim.maestro_device import MaestroDevice, serve  # noqa: E402


def one_at_a_time(bus: ServoBus) -> None:
    """The peer: a get position request and its reply per channel."""
    for servo in bus.channels.values():
        maestro.decode_u16(bus._query(maestro.get_position(servo.channel), 2))


def cycles_per_second(bus: ServoBus, read, seconds: float) -> float:
    poses = [dict.fromkeys(bus.channels, 0.1), dict.fromkeys(bus.channels, 0.3)]
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        bus.set_angles(poses[count % 2])  # every target changes
        read(bus)
        count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    with tempfile.TemporaryDirectory() as tmp:
        link = str(Path(tmp) / "maestro")
        running = threading.Event()
        running.set()
        board = threading.Thread(target=serve, args=(link, MaestroDevice(), running.is_set))
        board.start()
        while not Path(link).exists():
            time.sleep(0.01)
        channels = load_calibration(package_file("config", "servos.yaml"), load_robot())
        bus = ServoBus(link, channels)
        try:
            bus.connect()
            ours = cycles_per_second(bus, ServoBus.read_angles, seconds)
            peer = cycles_per_second(bus, one_at_a_time, seconds)
        finally:
            bus.close()
            running.clear()
            board.join()
    print(f"bus cycle (5 targets + 5 positions) on the simulated Maestro, {seconds:.0f} s each")
    print(f"  ours, one round trip:        {ours:8.0f} cycles/s")
    print(f"  peer, one query per channel: {peer:8.0f} cycles/s")
    print(f"  ratio ours/peer: {ours / peer:.2f}; headroom over the 50 Hz loop: {ours / 50:.0f}x")


if __name__ == "__main__":
    main()
