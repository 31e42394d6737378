#!/usr/bin/env python3
"""The serial link: command-to-acknowledgement round trip over a pty, and wire efficiency and the
IMU stream's ceiling at 115200 baud against rosserial's framing of the same messages.

    PYTHONPATH=src .venv/bin/python bench/serial_link.py  (not serial.py: it would shadow pyserial)

Round trip: BaseBoard.command() -> the simulated board's Encoders reply carrying the command's
seq, through pyserial and a pty. Its peer, run in the same process on the same kind of pty, is a
raw echo of the same bytes with no framing, CRC or decoding: the ratio is what the protocol
layers cost on top of the operating system's floor.

Wire: a rosserial frame is 0xff 0xfe, u16 length, length checksum, u16 topic id, the serialized
ROS message, checksum (8 bytes + message); the ROS messages are the ones a rosserial sketch would
use for the same data (std_msgs arrays for wheel speeds and counts, std_msgs/Bool for e-stop,
sensor_msgs/Imu for an IMU sample), serialized by genpy. 8N1 puts 10 bits on the line per byte.
"""

from __future__ import annotations

import io
import os
import select
import statistics
import tempfile
import threading
import time
from pathlib import Path

import serial
from sensor_msgs.msg import Imu
from std_msgs.msg import Bool, Float32MultiArray, Int32MultiArray

from terry.base.board import BaseBoard
from terry.link import codec
from terry.link import messages as m
from terry.sim.base_board import BaseBoardModel, serve
from terry.sim.pty import PseudoSerial

BAUD = 115200
ROUND_TRIPS = 2000


def ros_size(message) -> int:
    buffer = io.BytesIO()
    message.serialize(buffer)
    return len(buffer.getvalue())


def rosserial_wire(message) -> int:
    return 8 + ros_size(message)


def link_wire(message: m.Message) -> int:
    return len(codec.encode(message.TYPE, 1, message.pack()))


def round_trip_link(link: Path) -> list[float]:
    running = threading.Event()
    running.set()
    thread = threading.Thread(target=serve, args=(str(link), BaseBoardModel(), running.is_set))
    thread.start()
    while not link.exists():
        time.sleep(0.01)
    board = BaseBoard(str(link), BAUD).start()
    board.link.wait_up(10)
    times = []
    try:
        for _ in range(ROUND_TRIPS):
            start = time.perf_counter()
            board.command(1.0, 1.0)
            if board.encoders() is not None:
                times.append(time.perf_counter() - start)
    finally:
        board.close()
        running.clear()
        thread.join()
    return times


def round_trip_echo(link: Path) -> list[float]:
    """The floor: the same byte counts echoed raw through a pty by a thread."""
    command, reply = codec.encode(0x10, 1, bytes(4)), codec.encode(0x11, 1, bytes(11))
    port = PseudoSerial(link)
    running = threading.Event()
    running.set()

    def echo() -> None:
        pending = 0
        while running.is_set():
            ready, _, _ = select.select([port], [], [], 0.05)
            if ready:
                pending += len(port.read())
                while pending >= len(command):
                    pending -= len(command)
                    os.write(port.fileno(), reply)

    thread = threading.Thread(target=echo)
    thread.start()
    host = serial.Serial(str(link), BAUD, timeout=1.0)
    times = []
    try:
        for _ in range(ROUND_TRIPS):
            start = time.perf_counter()
            host.write(command)
            if len(host.read(len(reply))) == len(reply):
                times.append(time.perf_counter() - start)
    finally:
        host.close()
        running.clear()
        thread.join()
        port.close()
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours = round_trip_link(Path(tmp) / "base")
        floor = round_trip_echo(Path(tmp) / "echo")
    med_ours, med_floor = statistics.median(ours), statistics.median(floor)
    print(f"command -> ack round trip over a pty ({len(ours)} of {ROUND_TRIPS} answered):")
    p99 = sorted(ours)[len(ours) * 99 // 100]
    print(f"  link    median {med_ours * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms")
    print(f"  raw pty median {med_floor * 1e3:.3f} ms (echo of the same bytes, no protocol)")
    print(f"  ratio link / raw pty: {med_ours / med_floor:.2f}")
    wire_time = (link_wire(m.WheelVelocity(0, 0)) + link_wire(m.Encoders(0, 0, 0, 0))) * 10 / BAUD
    print(f"  at {BAUD} baud the two frames add {wire_time * 1e3:.2f} ms of line time")

    imu = Imu()
    cases = [
        ("wheel speeds", m.WheelVelocity(0, 0), Float32MultiArray(data=[0.0, 0.0])),
        ("encoder counts", m.Encoders(0, 0, 0, 0), Int32MultiArray(data=[0, 0])),
        ("e-stop", m.Estop(1), Bool(True)),
        ("IMU sample", m.ImuSample(0, 0, 0, 0, 0, 0, 0), imu),
    ]
    print("\nwire bytes per message; efficiency = payload bytes / bytes on the wire")
    print(
        f"  {'message':15} {'link':>11} {'rosserial, same payload':>24} {'rosserial, ROS msg':>19}"
    )
    for name, ours_msg, ros_msg in cases:
        payload, wire = ours_msg.size(), link_wire(ours_msg)
        framed, ros_wire = 8 + payload, rosserial_wire(ros_msg)
        print(
            f"  {name:15} {wire:3d} B {payload / wire:4.0%} {framed:9d} B {payload / framed:4.0%}"
            f" x{framed / wire:4.2f} {ros_wire:8d} B x{ros_wire / wire:5.2f}"
        )
    rate_ours = BAUD / 10 / link_wire(cases[-1][1])
    rate_ros = BAUD / 10 / rosserial_wire(imu)
    print(
        f"\nIMU stream ceiling at {BAUD} baud: link {rate_ours:.0f} samples/s, rosserial "
        f"sensor_msgs/Imu {rate_ros:.0f} samples/s, ratio {rate_ours / rate_ros:.1f}"
    )
    # Same information, rosserial framing overhead only: the 16-byte sample in a rosserial frame.
    print(
        f"  same 16-byte sample in a rosserial frame: {BAUD / 10 / (8 + 16):.0f} samples/s, "
        f"link / rosserial framing {(8 + 16) / link_wire(cases[-1][1]):.2f}"
    )


if __name__ == "__main__":
    main()
