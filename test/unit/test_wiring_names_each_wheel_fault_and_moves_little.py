"""The wiring test on the simulated base board: all good on a healthy one, and each wiring fault
named on the wheel that has it (a reversed motor, a reversed encoder, a dead encoder, another
gearbox), with the fix; nothing turns more than a few degrees under its motor (the sim's truth);
a key stops it with the motors off; a port another program holds is named with its pid; the
exit code says whether there is a problem."""

from __future__ import annotations

import math

import pytest
from fixtures.wiring import TwinBase, WiringRun

from terry.sim.base_board import Wheel

FEW_DEGREES = math.radians(8)  # the test stops at 3; a board's reply and its brake add a little
SIDES = {"left": 0, "right": 1}


@pytest.fixture
def base(tmp_path, request):
    left, right = getattr(request, "param", (Wheel(), Wheel()))
    board = TwinBase(tmp_path / "base", left, right)
    yield board
    board.stop()


def the_hand(base: TwinBase):
    """A user who turns the wheel the prompt names one turn forward, then presses Enter."""

    def hand(prompt: str) -> str:
        side = next(side for name, side in SIDES.items() if f"Turn the {name} wheel" in prompt)
        base.turn_by_hand(side)
        return "\n"

    return hand


def run_on(base: TwinBase, *args: str) -> tuple[WiringRun, int]:
    run = WiringRun([base.link], the_hand(base), *args)
    return run, run.finish()


def assert_moved_little(base: TwinBase) -> None:
    for side in (0, 1):
        assert base.most_driven(side) < FEW_DEGREES, (side, base.driven[side])


def test_a_healthy_base_is_all_good(base):
    run, code = run_on(base)
    assert code == 0, run.output
    for check in ("left wheel encoder", "left wheel motor", "right wheel encoder"):
        assert run.finding(check).startswith("[     ok]"), run.output
    assert "turns forward and back as commanded" in run.finding("right wheel motor")
    assert "counts up going forward, 36" in run.finding("left wheel encoder")  # 360 or near
    assert run.output.splitlines()[-1].startswith("terry wiring: 0 problem(s)")
    assert_moved_little(base)
    for side in (0, 1):  # it did turn forward, then back: the spins are real
        now, _, most = base.driven[side]
        assert most > math.radians(2) and now < most - math.radians(2), base.driven[side]
    assert base.model.estop  # left with its motors off


@pytest.mark.parametrize("base", [(Wheel(reversed_motor=True), Wheel())], indirect=True)
def test_a_reversed_motor_is_named_with_its_fix(base):
    run, code = run_on(base)
    assert code == 1
    line = run.finding("left wheel motor")
    assert "PROBLEM" in line and "reversed" in line and "A01/A02" in run.output
    assert run.finding("left wheel encoder").startswith("[     ok]")
    assert run.finding("right wheel motor").startswith("[     ok]")
    assert_moved_little(base)


@pytest.mark.parametrize("base", [(Wheel(), Wheel(reversed_encoder=True))], indirect=True)
def test_a_reversed_encoder_is_named_and_the_motor_is_not_blamed(base):
    run, code = run_on(base)
    assert code == 1
    line = run.finding("right wheel encoder")
    assert "PROBLEM" in line and "reversed" in line and "A0 and A1" in run.output
    assert run.finding("right wheel motor").startswith("[     ok]"), run.output
    assert run.finding("left wheel motor").startswith("[     ok]")
    assert_moved_little(base)


@pytest.mark.parametrize("base", [(Wheel(dead_encoder=True), Wheel())], indirect=True)
def test_a_dead_encoder_is_named_and_its_motor_is_not_spun(base):
    run, code = run_on(base)
    assert code == 1
    line = run.finding("left wheel encoder")
    assert "PROBLEM" in line and "dead" in line and "D2 and D3" in run.output
    assert "left wheel motor:" not in run.output  # without counts its speed loop would run away
    assert base.most_driven(0) == 0.0
    assert run.finding("right wheel motor").startswith("[     ok]")
    assert_moved_little(base)


@pytest.mark.parametrize("base", [(Wheel(), Wheel(gear=1.5))], indirect=True)
def test_another_gearbox_is_named_with_the_counts_per_turn_measured(base):
    run, code = run_on(base)
    assert code == 1
    line = run.finding("right wheel gear ratio")
    assert "PROBLEM" in line and "expects 360" in line, run.output
    measured = int(line.split("gave ")[1].split(" counts")[0])
    assert abs(measured - 540) <= 20, line
    assert f"BASE_TICKS_PER_REV in firmware/lib/base_app.h to {measured}" in run.output
    assert "./run board flash base" in run.output
    assert run.finding("left wheel encoder").startswith("[     ok]")
    assert_moved_little(base)


@pytest.mark.parametrize("base", [(Wheel(reversed_motor=True), Wheel())], indirect=True)
def test_without_hand_turns_a_reversed_motor_is_a_disagreement(base):
    run, code = run_on(base, "--no-hand")
    assert code == 1
    assert "one of them is reversed" in run.finding("left wheel motor")
    assert "Turn the" not in run.output
    assert_moved_little(base)


def test_a_key_stops_it_with_every_motor_off(base):
    run = WiringRun([base.link], lambda _prompt: "\n", "--no-hand")
    run.until(lambda line: line.startswith("spinning the left wheel"))
    run.type("x")
    code = run.finish()
    assert code == 1
    assert "stopped: key 'x' pressed" in run.output
    assert base.model.estop and all(w.target == 0 for w in base.model.wheels)
    assert_moved_little(base)


def test_quitting_at_the_prompt_moves_nothing(base):
    run = WiringRun([base.link], lambda _prompt: "q")
    assert run.finish() == 1
    assert "stopped: quit at the prompt" in run.output
    assert base.most_driven(0) == base.most_driven(1) == 0.0


def test_no_board_is_a_problem(tmp_path):
    run = WiringRun([tmp_path / "nothing"], lambda _prompt: "\n")
    assert run.finish() == 1
    assert "no such port" in run.output and "no base, pan/tilt board or Maestro" in run.output


def test_a_board_held_by_another_program_is_named_and_nothing_moves(base, port_holder):
    pid = port_holder(base.link)
    run = WiringRun([base.link], the_hand(base))
    assert run.finish() == 1
    assert f"port busy: held by pid {pid}" in run.finding("base")
    assert "Turn the" not in run.output
    assert base.most_driven(0) == base.most_driven(1) == 0.0
