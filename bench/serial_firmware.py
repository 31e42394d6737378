#!/usr/bin/env python3
"""The real firmware (host build, firmware/host/) over the serial link: pan/tilt command-to-Ack
round trip, and the IMU stream's sustained rate and wire use at 115200 baud against rosserial's
framing of the same messages, printed as ratios.

    PYTHONPATH=src .venv/bin/python bench/serial_firmware.py

(Named so that it does not shadow pyserial's `serial`; bench/serial_link.py is its peer for the
base board's simulated model.) Round trip: Link.send(PanTiltCommand) -> the firmware's Ack naming
that seq; its floor, run in the same process, is a raw echo of the same byte counts through a pty
(serial_link.round_trip_echo). IMU: samples received per second of host time at each configured
rate; line load = wire bytes per second over 115200 baud's 11,520 bytes per second (8N1).
The host build has no UART timing: the line-load figures say what a real 115200 line must carry.
"""

from __future__ import annotations

import queue
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from sensor_msgs.msg import Imu, JointState
from serial_link import link_wire, rosserial_wire, round_trip_echo

from terry.link import messages as m
from terry.link.transport import Link
from terry.sensors.imu import ImuBoard, ImuSettings
from terry.sim.firmware import FIRMWARE, start_board

BAUD = 115200
LINE = BAUD / 10  # bytes per second, 8N1
ROUND_TRIPS = 1000
IMU_SECONDS = 3.0


def wait_link(path: Path) -> None:
    while not path.exists():
        time.sleep(0.01)


def simavr_board(path: Path) -> subprocess.Popen:
    """The AVR binary in simavr (real UART timing at 115200 baud), see firmware/simavr/."""
    subprocess.run(["make", "-s", "-C", str(FIRMWARE), "simavr"], check=True, capture_output=True)
    build = FIRMWARE / "build"
    harness, elf = build / "simavr" / "uart_pty", build / "avr" / "pan_tilt.elf"
    return subprocess.Popen([str(harness), str(elf), str(path)])


def pan_round_trips(tmp: Path, simavr: bool = False) -> list[float]:
    path = tmp / ("pan_tilt_avr" if simavr else "pan_tilt")
    board = simavr_board(path) if simavr else start_board("pan_tilt", path)
    acks: queue.Queue[m.Ack] = queue.Queue()
    wait_link(path)
    link = Link(
        str(path), BAUD, m.FIRMWARE_PAN_TILT, lambda x: isinstance(x, m.Ack) and acks.put(x)
    ).start()
    times = []
    try:
        link.wait_up(10)
        for _ in range(ROUND_TRIPS // 5 if simavr else ROUND_TRIPS):
            start = time.perf_counter()
            seq = link.send(m.PanTiltCommand(0, 0, 0))
            while acks.get(timeout=1).seq != seq:
                pass
            times.append(time.perf_counter() - start)
    finally:
        link.close()
        board.terminate()
        board.wait()
    return times


def imu_rate(tmp: Path, rate: int) -> tuple[float, int]:
    path = tmp / f"imu{rate}"
    board = start_board("imu", path)
    wait_link(path)
    times: list[float] = []
    imu = ImuBoard(str(path), BAUD, ImuSettings(rate=rate), lambda r: times.append(r.time)).start()
    try:
        deadline = time.monotonic() + 10
        while len(times) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        first = len(times)
        start = time.monotonic()
        time.sleep(IMU_SECONDS)
        received = len(times) - first
        elapsed = time.monotonic() - start
        return received / elapsed, imu.link.health.lost_frames
    finally:
        imu.close()
        board.terminate()
        board.wait()


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        ours = pan_round_trips(tmp)
        avr = pan_round_trips(tmp, simavr=True)
        floor = round_trip_echo(tmp / "echo")
        rates = {rate: imu_rate(tmp, rate) for rate in (100, 200, 400)}
    med, med_floor = statistics.median(ours), statistics.median(floor)
    p99 = sorted(ours)[len(ours) * 99 // 100]
    print("pan/tilt command -> Ack round trip, real firmware (host build) over a pty:")
    print(f"  firmware median {med * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms ({len(ours)} commands)")
    print(
        f"  raw pty echo median {med_floor * 1e3:.3f} ms; "
        f"ratio firmware / raw {med / med_floor:.2f}"
    )
    med_avr = statistics.median(avr)
    print(
        f"  AVR binary in simavr (UART timed at {BAUD} baud): median {med_avr * 1e3:.3f} ms "
        f"({len(avr)} commands); ratio AVR / host build {med_avr / med:.2f}"
    )
    line = (link_wire(m.PanTiltCommand(0, 0, 0)) + link_wire(m.Ack(0, 0, 0))) * 10 / BAUD
    print(f"  at {BAUD} baud the two frames add {line * 1e3:.2f} ms of line time")

    sample = link_wire(m.ImuSample(0, 0, 0, 0, 0, 0, 0))
    ros_imu = rosserial_wire(Imu(header=Imu().header.__class__(frame_id="imu_link")))
    print(
        f"\nIMU stream (ImuSample: 16 payload bytes, {sample} on the wire, "
        f"efficiency {16 / sample:.0%}; rosserial sensor_msgs/Imu {ros_imu} B, "
        f"same 16 bytes in a rosserial frame {8 + 16} B, efficiency {16 / 24:.0%})"
    )
    print(
        f"  {'rate':>6} {'received/s':>11} {'lost':>5} {'line load':>10} "
        f"{'rosserial Imu load':>19} {'ratio':>6}"
    )
    for rate, (got, lost) in rates.items():
        ours_load = got * sample / LINE
        ros_load = got * ros_imu / LINE
        print(
            f"  {rate:4d}Hz {got:11.1f} {lost:5d} {ours_load:10.0%} {ros_load:19.0%} "
            f"{ros_load / ours_load:6.1f}"
        )
    print(
        f"  most samples/s 115200 baud carries: link {LINE / sample:.0f}, rosserial Imu "
        f"{LINE / ros_imu:.0f} (ratio {ros_imu / sample:.1f})"
    )
    joints = JointState(name=["pan_joint", "tilt_joint"], position=[0, 0], velocity=[0, 0])
    state = link_wire(m.PanTiltState(0, 0, 0, 0))
    print(
        f"\npan/tilt state: {state} B on the wire vs rosserial JointState "
        f"{rosserial_wire(joints)} B (ratio {rosserial_wire(joints) / state:.1f})"
    )


if __name__ == "__main__":
    main()
