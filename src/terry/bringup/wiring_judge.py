"""The wiring test's verdicts, free of I/O: what a hand turn and two short spins of one gearmotor
say about its wiring, as doctor-style findings with a fix each.

An encoder alone cannot tell a reversed motor from a reversed encoder: both make the counts run
against the command. The hand turn settles it: a hand turns the output one turn forward with the
motor off, so the counts' sign is the encoder's own, their number the counts per output turn (the
gear-ratio guess), and none at all a dead encoder. The spins then show the motor's direction
through that encoder.
"""

from __future__ import annotations

from dataclasses import dataclass

from terry.bringup.findings import OK, PROBLEM, WARN, Finding

DEAD = 0.05  # of the configured counts per turn: fewer after a hand turn is a dead encoder
GEAR_TOLERANCE = 0.15  # a hand turn is this exact; a wrong gearbox guess is further off


@dataclass(frozen=True)
class Wiring:
    """Where one gearmotor's parts are wired, and where its counts per turn are configured."""

    name: str  # "left wheel"
    forward: str  # what forward looks like, for the prompt
    motor_fix: str  # how to reverse the motor
    encoder_fix: str  # how to reverse the encoder
    encoder_pins: str  # where its encoder's wires go
    counts_define: str  # the firmware's #define of the counts per output turn, and its file
    sketch: str  # the board's sketch, for `./run board flash`


@dataclass(frozen=True)
class Spin:
    """One short spin's result: the counts it moved, and how many make a clear move."""

    counts: int
    clear: int

    @property
    def moved(self) -> int:
        """+1 or -1: which way the counts went; 0: not clearly either."""
        if self.counts >= self.clear:
            return 1
        if self.counts <= -self.clear:
            return -1
        return 0


def judge_hand(wiring: Wiring, counts: int | None, configured: int) -> tuple[list[Finding], int]:
    """Findings from the counts of a hand turn one turn forward (None: skipped), and the
    encoder's polarity: +1 counts up going forward, -1 down, 0 unknown or dead."""
    check = f"{wiring.name} encoder"
    if counts is None:
        skipped = "hand turn skipped: the encoder's direction and counts per turn are unchecked"
        return [Finding(check, WARN, skipped, "run the wiring test again and turn it by hand")], 0
    if abs(counts) < DEAD * configured:
        text = f"dead: {counts} counts for a hand turn of one turn (expected {configured})"
        fix = (
            f"check the encoder's 5 V and GND and its A and B wires ({wiring.encoder_pins}); "
            "if the motor turned, the turn reached it: the encoder is dead or unpowered"
        )
        return [Finding(check, PROBLEM, text, fix)], 0
    polarity = 1 if counts > 0 else -1
    found = []
    if polarity < 0:
        text = f"reversed: a turn forward counted {counts}"
        found.append(Finding(check, PROBLEM, text, wiring.encoder_fix))
    ratio = abs(counts) / configured
    if abs(ratio - 1) > GEAR_TOLERANCE:
        text = (
            f"wrong gear ratio: one turn by hand gave {abs(counts)} counts, the firmware "
            f"expects {configured} ({ratio:.2f} times as many: another gearbox than configured)"
        )
        fix = (
            f"set {wiring.counts_define} to {abs(counts)} (repeat the hand turn to be sure), "
            f"then ./run board flash {wiring.sketch}"
        )
        found.append(Finding(f"{wiring.name} gear ratio", PROBLEM, text, fix))
    if polarity > 0 and not found:
        text = f"counts up going forward, {counts} per turn (configured {configured})"
        found.append(Finding(check, OK, text))
    return found, polarity


def judge_spins(wiring: Wiring, polarity: int, forward: Spin, back: Spin) -> Finding:
    """The motor's verdict from a spin each way, read through the encoder's polarity."""
    check = f"{wiring.name} motor"
    seen = (forward.moved, back.moved)
    if seen == (0, 0):
        text = "did not turn: its encoder counted nothing either way"
        fix = (
            "check the motor's two wires on the H-bridge outputs, the H-bridge's STBY pin and "
            "the motor supply"
        )
        if polarity == 0:
            fix += f"; or its encoder is dead ({wiring.encoder_pins})"
        return Finding(check, PROBLEM, text, fix)
    if polarity == 0:  # no hand turn: counts against the command are the motor or the encoder
        if seen == (1, -1):
            return Finding(check, OK, "turns both ways, its encoder agrees")
        if seen == (-1, 1):
            text = "motor and encoder disagree: one of them is reversed"
            fix = "run the test with the hand turn to tell which"
            return Finding(check, PROBLEM, text, fix)
    turned = (forward.moved * (polarity or 1), back.moved * (polarity or 1))
    if turned == (1, -1):
        return Finding(check, OK, "turns forward and back as commanded")
    if turned == (-1, 1):
        text = "reversed: it turns back when told forward"
        return Finding(check, PROBLEM, text, wiring.motor_fix)
    if 0 in turned:
        way = "forward" if turned[0] else "back"
        text = f"turns only {way}: the other way it did not move"
        fix = "check the H-bridge's two direction inputs (IN1, IN2) for this motor"
        return Finding(check, PROBLEM, text, fix)
    text = "turns the same way whichever way it is told"
    return Finding(check, PROBLEM, text, "check the H-bridge's direction inputs (IN1, IN2)")
