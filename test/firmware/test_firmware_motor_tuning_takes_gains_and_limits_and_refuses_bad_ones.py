"""MotorTuning in the real firmware (host builds): the pan/tilt and base boards take gains and
limits up to their ceilings and refuse anything beyond them (or a wrong axis) with Ack 4,
changing nothing; a tuned speed limit bounds the commands they take and the speed the pan moves
at; the Python base twin answers every MotorTuning exactly as the base firmware does; the host's
Tuner keeps only what the board took and sends it again to a board that reconnects.
"""

from __future__ import annotations

import queue
import time
from pathlib import Path

import pytest
from fixtures.harness import wait_for
from fixtures.pan_tilt import Board

from terry.link import codec
from terry.link import messages as m
from terry.link.transport import Link
from terry.sim.base_board import BaseBoardModel
from terry.sim.firmware import start_board
from terry.tuning.gains import MotorSpec, MotorTuning, load_specs
from terry.tuning.tuner import Tuner

GAIN_LIMIT = 100_000_000  # kp, ki, kd on the wire: 1/1000 PWM per rad (firmware/lib/motor.h)
MIN_LIMIT = 1000  # max_speed, max_accel on the wire: urad/s, urad/s^2
OVER = 1000  # beyond a limit by 1 PWM/rad or 1 mrad/s: more than the firmware's float resolves
PAN = load_specs()["pan"]


class Raw:
    """A Link to a board that keeps every Ack and the latest PanTiltState."""

    def __init__(self, port: Path, firmware: int) -> None:
        self.acks: queue.Queue[m.Ack] = queue.Queue()
        self.state: m.PanTiltState | None = None
        self.link = Link(str(port), 115200, firmware, self._on_message).start()
        assert self.link.wait_up(10), self.link.health.last_error

    def _on_message(self, message: m.Message) -> None:
        if isinstance(message, m.Ack):
            self.acks.put(message)
        elif isinstance(message, m.PanTiltState):
            self.state = message

    def ask(self, message: m.Message) -> int:
        """Send, and the board's Ack status for it."""
        seq = self.link.send(message)
        while True:
            ack = self.acks.get(timeout=5)
            if ack.seq == seq:
                return ack.status


def pan_cases(speed: int, accel: int) -> list[tuple[m.MotorTuning, int]]:
    """(message, expected Ack status) around the ceilings of a motor on axis 0."""
    good = (0, 3_000_000, 2_000_000, 0, speed // 2, accel // 4)
    return [
        (m.MotorTuning(*good), m.ACK_OK),
        (m.MotorTuning(0, GAIN_LIMIT, GAIN_LIMIT, GAIN_LIMIT, speed, accel), m.ACK_OK),
        (m.MotorTuning(0, 0, 0, 0, MIN_LIMIT, MIN_LIMIT), m.ACK_OK),
        (m.MotorTuning(0, GAIN_LIMIT + OVER, 0, 0, speed, accel), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(0, 0, GAIN_LIMIT + OVER, 0, speed, accel), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(0, 0, 0, 2**32 - 1, speed, accel), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(0, 0, 0, 0, speed + OVER, accel), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(0, 0, 0, 0, 0, accel), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(0, 0, 0, 0, MIN_LIMIT - OVER // 2, accel), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(0, 0, 0, 0, speed, accel + OVER), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(0, 0, 0, 0, speed, 0), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(2, *good[1:]), m.ACK_OUT_OF_RANGE),
        (m.MotorTuning(255, *good[1:]), m.ACK_OUT_OF_RANGE),
    ]


def urad(value: float) -> int:
    return round(value * 1e6)


def test_pan_firmware_takes_tuning_to_its_ceilings_and_a_tuned_limit_bounds_the_pan(
    pan_board,
):
    board = Raw(pan_board.link, m.FIRMWARE_PAN_TILT)
    try:
        cases = pan_cases(urad(PAN.speed_ceiling), urad(PAN.accel_ceiling))
        cases.append((m.MotorTuning(1, 0, 0, 0, MIN_LIMIT, MIN_LIMIT), m.ACK_OUT_OF_RANGE))
        for message, status in cases:
            assert board.ask(message) == status, message
        slow = PAN.defaults.max_speed / 3
        tuned = m.MotorTuning(0, 3_000_000, 2_000_000, 0, urad(slow), urad(PAN.defaults.max_accel))
        assert board.ask(tuned) == m.ACK_OK
        # A refused tuning changes nothing: the limit stays `slow`.
        assert board.ask(m.MotorTuning(0, 0, 0, 0, urad(1.0), MIN_LIMIT)) == m.ACK_OUT_OF_RANGE
        assert board.ask(m.PanTiltCommand(2, urad(slow) + 1, 0)) == m.ACK_OUT_OF_RANGE
        assert board.ask(m.PanTiltCommand(2, urad(slow), 0)) == m.ACK_OK
        # A position move now goes at the tuned speed, not at the build's 0.17 rad/s.
        board.ask(m.PanTiltCommand(0, 0, 0))  # hold
        time.sleep(1.0)
        start = board.state.pan / 1e6
        track, deadline = [], time.monotonic() + 6
        while time.monotonic() < deadline:
            board.link.send(m.PanTiltCommand(1, urad(start + 0.2), 0))  # feeds the watchdog
            track.append((time.monotonic(), board.state.pan / 1e6 - start))
            time.sleep(0.02)
        t1 = next(t for t, p in track if p >= 0.05)
        t2 = next(t for t, p in track if p >= 0.15)
        assert 0.1 / (t2 - t1) == pytest.approx(slow, rel=0.15)
        assert track[-1][1] == pytest.approx(0.2, abs=0.003)
    finally:
        board.link.close()


def twin_answer(model: BaseBoardModel, seq: int, message: m.Message) -> int:
    out = model.receive(codec.encode(message.TYPE, seq, message.pack()))
    acks = [m.decode(f) for f in codec.Decoder().feed(out) if f.type == m.Ack.TYPE]
    assert len(acks) == 1 and acks[0].seq == seq
    return acks[0].status


def test_base_firmware_and_its_python_twin_answer_every_tuning_alike(run_dir):
    link = run_dir / "base"
    process = start_board("base", link)
    try:
        wait_for(link.exists, 10, "the base firmware's pty link")
        board = Raw(link, m.FIRMWARE_BASE)
        twin = BaseBoardModel()
        wheel = load_specs()["wheel"]
        cases = pan_cases(urad(wheel.speed_ceiling), urad(wheel.accel_ceiling))
        cases.append((m.MotorTuning(1, 0, 0, 0, MIN_LIMIT, MIN_LIMIT), m.ACK_OK))  # right wheel
        for seq, (message, status) in enumerate(cases, start=1):
            assert board.ask(message) == status, message
            assert twin_answer(twin, seq, message) == status, message
        # Both wheels limited to 2 rad/s: 2.001 is refused (and stops), 2 is taken.
        for axis in (0, 1):
            limit = m.MotorTuning(axis, 300_000, 200_000, 0, urad(2.0), urad(40.0))
            assert board.ask(limit) == m.ACK_OK
            assert twin_answer(twin, 100 + axis, limit) == m.ACK_OK
        assert board.ask(m.WheelVelocity(2001, 0)) == m.ACK_OUT_OF_RANGE
        assert twin_answer(twin, 102, m.WheelVelocity(0, -2001)) == m.ACK_OUT_OF_RANGE
        board.link.send(m.WheelVelocity(2000, -2000))
        time.sleep(0.3)
        assert board.acks.empty()  # taken: answered by Encoders only
        assert twin.receive(
            codec.encode(m.WheelVelocity.TYPE, 103, m.WheelVelocity(2000, -2000).pack())
        )
        assert [w.target for w in twin.wheels] == [2.0, -2.0]
        board.link.close()
    finally:
        process.terminate()
        process.wait(5)


def test_tuner_keeps_only_what_the_board_took_and_resends_it_on_reconnect(run_dir):
    pan = Board(run_dir / "pan_tilt")
    pan.plug()
    answers: queue.Queue[m.Ack] = queue.Queue()
    refusals: list[str] = []
    wait_for(pan.link.exists, 10, "the pan firmware's pty link")
    holder: dict[str, Tuner] = {}

    def on_message(message: m.Message) -> None:
        if isinstance(message, m.Ack):
            holder["tuner"].on_ack(message)
            if message.type == m.PanTiltCommand.TYPE:
                answers.put(message)

    link = Link(
        str(pan.link),
        115200,
        m.FIRMWARE_PAN_TILT,
        on_message,
        on_up=lambda: holder["tuner"].on_up(),
    )
    # Ceilings above the firmware's: what the host lets through, the board still refuses.
    lax = MotorSpec("pan", PAN.defaults, 1.0, 10.0)
    holder["tuner"] = tuner = Tuner(link, lax, on_refusal=refusals.append)
    link.start()
    try:
        assert link.wait_up(10)

        def velocity_status(speed: float) -> int:
            seq = link.send(m.PanTiltCommand(2, urad(speed), 0))
            while True:
                ack = answers.get(timeout=5)
                if ack.seq == seq:
                    return ack.status

        slow = MotorTuning(2000.0, 1000.0, 0.0, 0.05, 0.5)
        assert tuner.set(slow) is None and tuner.tuning == slow
        assert velocity_status(0.06) == m.ACK_OUT_OF_RANGE
        reason = tuner.set(MotorTuning(2000.0, 1000.0, 0.0, 0.5, 0.5))
        assert reason and "did not take" in reason and "out of range" in reason
        assert tuner.tuning == slow
        assert velocity_status(0.06) == m.ACK_OUT_OF_RANGE  # the board kept 0.05 rad/s
        assert tuner.set(MotorTuning(2000.0, 1000.0, 0.0, -1.0, 0.5)).startswith("pan max_speed")

        pan.unplug()  # a fresh board starts with its build's 0.17 rad/s ...
        wait_for(lambda: not link.up, 10, "the link to drop")
        pan.plug()
        wait_for(lambda: link.up, 20, "the link back up")
        # ... and the Tuner sent it 0.05 rad/s again on connect.
        wait_for(lambda: velocity_status(0.06) == m.ACK_OUT_OF_RANGE, 5, "the tuning resent")
        assert velocity_status(0.05) == m.ACK_OK
        assert refusals == []
    finally:
        link.close()
        pan.unplug()
