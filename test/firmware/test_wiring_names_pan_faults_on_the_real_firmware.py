"""The wiring test on the real pan/tilt firmware (host build) with a simulated pan drive: all
good when healthy; a reversed motor, a reversed encoder, a dead encoder and another gearing each
named, with the fix; the firmware's speed loop, which runs away when motor and encoder disagree,
is stopped within a few degrees (the plant's truth); the tilt servo ends at its centre. The
base firmware's own speed loop turns both wheels both ways."""

from __future__ import annotations

import math
import os
import signal
import time
from pathlib import Path

import pytest
from fixtures.harness import wait_for
from fixtures.pan_tilt import HostLink
from fixtures.wiring import WiringRun

from terry.link import messages as m
from terry.sim.firmware import start_board

FEW_DEGREES = math.radians(6)
HAND_TURN = 2.0  # s the plant's hand takes for a turn (firmware/host/plant.h)


class PanBoard:
    """The firmware with TERRY_SIM_PAN_FAULTS; truth() reads what the plant wrote at exit."""

    def __init__(self, tmp: Path, faults: str) -> None:
        self.link, self.truth_file = tmp / "pan_tilt", tmp / "truth"
        plant = {"TERRY_SIM_PAN_FAULTS": faults, "TERRY_SIM_TRUTH": str(self.truth_file)}
        self.process = start_board("pan_tilt", self.link, plant)
        wait_for(self.link.exists, 10, "the pan/tilt board's pty")

    def hand(self, prompt: str) -> str:
        """A user turning the pan tube one turn by hand, then pressing Enter."""
        assert "Turn the pan by hand" in prompt
        os.kill(self.process.pid, signal.SIGUSR1)
        time.sleep(HAND_TURN + 0.3)
        return "\n"

    def truth(self) -> dict[str, list[float]]:
        self.process.terminate()
        self.process.wait(timeout=5)
        rows = (line.split() for line in self.truth_file.read_text().splitlines())
        return {row[0]: [float(v) for v in row[1:]] for row in rows}

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def pan(tmp_path, request):
    board = PanBoard(tmp_path, request.param)
    yield board
    board.kill()


def wiring_on(pan: PanBoard) -> tuple[WiringRun, int, dict[str, list[float]]]:
    run = WiringRun([pan.link], pan.hand)
    code = run.finish()
    return run, code, pan.truth()


def assert_moved_little(truth: dict[str, list[float]]) -> None:
    low, high = truth["driven"]
    assert low > -FEW_DEGREES and high < FEW_DEGREES, truth


def tilt_away(pan: PanBoard, mrad: int) -> None:
    """Leave the tilt servo off its centre, as a user's last run might."""
    host = HostLink(pan.link)
    try:
        assert host.link.wait_up(10), host.link.health.last_error
        host.link.send(m.PanTiltCommand(0, 0, mrad))
        wait_for(lambda: (host.state() or m.PanTiltState(0, 0, 0, 0)).tilt == mrad, 5, "tilt")
    finally:
        host.link.close()


@pytest.mark.parametrize("pan", [""], indirect=True)
def test_a_healthy_pan_and_tilt_are_all_good(pan):
    tilt_away(pan, 400)
    run, code, truth = wiring_on(pan)
    assert code == 0, run.output
    assert "counts up going forward, 2" in run.finding("pan encoder")  # 22000 or near
    assert "turns forward and back as commanded" in run.finding("pan motor")
    assert run.finding("tilt servo").startswith("[     ok]")
    assert_moved_little(truth)
    assert truth["driven"][1] > math.radians(2)  # it did turn
    assert abs(truth["tilt"][0]) < 0.02


@pytest.mark.parametrize("pan", ["reversed_motor"], indirect=True)
def test_a_reversed_pan_motor_is_named_and_its_runaway_stopped(pan):
    run, code, truth = wiring_on(pan)
    assert code == 1
    assert "reversed" in run.finding("pan motor") and "PROBLEM" in run.finding("pan motor")
    assert run.finding("pan encoder").startswith("[     ok]")
    assert_moved_little(truth)


@pytest.mark.parametrize("pan", ["reversed_encoder"], indirect=True)
def test_a_reversed_pan_encoder_is_named_and_the_motor_is_not_blamed(pan):
    run, code, truth = wiring_on(pan)
    assert code == 1
    assert "reversed" in run.finding("pan encoder") and "D2 and D3" in run.output
    assert run.finding("pan motor").startswith("[     ok]"), run.output
    assert_moved_little(truth)


@pytest.mark.parametrize("pan", ["dead_encoder"], indirect=True)
def test_a_dead_pan_encoder_is_named_and_not_spun(pan):
    run, code, truth = wiring_on(pan)
    assert code == 1
    assert "dead" in run.finding("pan encoder")
    assert "pan motor:" not in run.output
    assert truth["driven"] == [0.0, 0.0]


@pytest.mark.parametrize("pan", ["gear=0.6"], indirect=True)
def test_another_pan_gearing_is_named_with_its_counts_per_turn(pan):
    run, code, truth = wiring_on(pan)
    assert code == 1
    line = run.finding("pan gear ratio")
    measured = int(line.split("gave ")[1].split(" counts")[0])
    assert abs(measured - 13200) < 400, line
    assert f"PAN_COUNTS_PER_TURN in firmware/lib/pan_tilt_app.h to {measured}" in run.output
    assert run.finding("pan motor").startswith("[     ok]")
    assert_moved_little(truth)


def test_the_real_base_firmware_spins_both_wheels_both_ways(tmp_path):
    """The base's closed speed loop (host build; no fault options there): its minimum PWM and
    ramp still make a clear few degrees each way within the spin's time."""
    board = start_board("base", tmp_path / "base")
    try:
        wait_for((tmp_path / "base").exists, 10, "the base board's pty")
        run = WiringRun([tmp_path / "base"], lambda _prompt: "\n", "--no-hand")
        assert run.finish() == 0, run.output
        for side in ("left", "right"):
            assert "turns both ways" in run.finding(f"{side} wheel motor")
    finally:
        board.terminate()
        board.wait(timeout=5)
