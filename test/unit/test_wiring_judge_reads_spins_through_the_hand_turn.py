"""The wiring test's verdicts: a hand turn's counts name the encoder's direction, a dead encoder
and a wrong gear ratio; the spins, read through that direction, name the motor's."""

from __future__ import annotations

from terry.bringup.findings import OK, PROBLEM, WARN
from terry.bringup.wiring import LEFT, PAN
from terry.bringup.wiring_judge import Spin, judge_hand, judge_spins

FORWARD, BACK, STILL = Spin(5, 2), Spin(-5, 2), Spin(1, 2)


def test_a_hand_turn_names_direction_dead_and_gear_ratio():
    good, polarity = judge_hand(LEFT, 355, 360)
    assert polarity == 1 and [f.level for f in good] == [OK]
    reversed_, polarity = judge_hand(LEFT, -362, 360)
    assert polarity == -1 and "reversed" in reversed_[0].text
    assert reversed_[0].fix == LEFT.encoder_fix and "D2 and D3" in reversed_[0].fix
    dead, polarity = judge_hand(LEFT, 3, 360)
    assert polarity == 0 and dead[0].level == PROBLEM and "dead" in dead[0].text
    geared, polarity = judge_hand(PAN, 13150, 22000)
    assert polarity == 1 and geared[0].check == "pan gear ratio"
    assert "PAN_COUNTS_PER_TURN in firmware/lib/pan_tilt_app.h to 13150" in geared[0].fix
    both, _ = judge_hand(LEFT, -600, 360)
    assert [f.check for f in both] == ["left wheel encoder", "left wheel gear ratio"]
    skipped, polarity = judge_hand(LEFT, None, 360)
    assert polarity == 0 and skipped[0].level == WARN


def test_spins_read_through_the_encoder_name_the_motor():
    assert judge_spins(LEFT, 1, FORWARD, BACK).level == OK
    reversed_motor = judge_spins(LEFT, 1, BACK, FORWARD)
    assert "reversed" in reversed_motor.text and reversed_motor.fix == LEFT.motor_fix
    # a reversed encoder alone: counts against the command, but the motor is right
    assert judge_spins(LEFT, -1, BACK, FORWARD).level == OK
    # both reversed: the counts agree with the command, the motor still turns back
    assert "reversed" in judge_spins(LEFT, -1, FORWARD, BACK).text
    assert "did not turn" in judge_spins(LEFT, 1, STILL, STILL).text
    assert "turns only forward" in judge_spins(LEFT, 1, FORWARD, STILL).text
    assert "same way" in judge_spins(LEFT, 1, FORWARD, FORWARD).text


def test_without_a_hand_turn_a_disagreement_is_not_blamed_on_either():
    assert judge_spins(LEFT, 0, FORWARD, BACK).level == OK
    disagree = judge_spins(LEFT, 0, BACK, FORWARD)
    assert disagree.level == PROBLEM and "one of them is reversed" in disagree.text
    assert "encoder is dead" in judge_spins(LEFT, 0, STILL, STILL).fix
