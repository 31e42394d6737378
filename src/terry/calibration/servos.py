"""Servo calibration (ROS-free): find a joint's direction, the pulse at which it truly stands at
0 (its centre) and the pulse at a round reference angle (its range: us per radian) by stepping it
while the user looks at the arm, then write config/servos.yaml.

Moves go through the running servo driver as joint angles in its current calibration
(`terry.arm.calibration`, the choke point), so a step that would take the joint beyond the URDF's
limits is refused here with the reason, and nothing moves. A centre whose URDF limits would need
pulses outside the servo's min_us..max_us is refused too: the range the URDF asks of the servo
must fit what it accepts (re-seat the horn one spline over instead).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from pathlib import Path

from terry.arm.calibration import LimitError, ServoChannel, load_calibration
from terry.model import RobotModel

SMALL_STEP = 2.0  # us
LARGE_STEP = 20.0  # us
TEST_ANGLE = 0.2  # rad from the start for the direction check (less where the limits are nearer)
REFERENCE_ANGLES = (math.pi / 2, math.pi / 3, math.pi / 4, math.pi / 6)  # rad, largest first
REFERENCE_ROOM = 0.7  # of the way to the limit at most: room for a scale that is still wrong
FIELDS = ("channel", "center_us", "us_per_rad", "direction", "min_us", "max_us")


def start_angle(servo: ServoChannel) -> float:
    """Where calibration starts: angle 0, or the limit nearest to it."""
    return min(max(0.0, servo.joint.lower), servo.joint.upper)


def probe_angle(servo: ServoChannel) -> float:
    """A small move from the start in the joint's positive direction (negative at the upper
    limit), for the user to say which way the joint turned."""
    start = start_angle(servo)
    room = servo.joint.upper - start
    return start + (min(TEST_ANGLE, room) if room > 1e-6 else -TEST_ANGLE)


def axis_hint(servo: ServoChannel) -> str:
    """What positive motion looks like, from the joint's URDF axis."""
    axis = servo.joint.axis
    if axis == (0.0, 0.0, 1.0):
        return "turn anticlockwise, seen from above"
    if axis == (0.0, -1.0, 0.0):
        return "lift its far end (pitch up)"
    return f"turn positively about its axis {axis} (right-hand rule)"


def reference_angle(servo: ServoChannel) -> float:
    """A round angle toward the joint's farther limit with room to spare (its scale is not known
    yet), for the user to step the joint to: us_per_rad follows from its pulse."""
    lower, upper = servo.joint.lower, servo.joint.upper
    side, room = (1.0, upper) if abs(upper) >= abs(lower) else (-1.0, -lower)
    fitting = [a for a in REFERENCE_ANGLES if a <= REFERENCE_ROOM * room]
    return side * (fitting[0] if fitting else REFERENCE_ROOM * room)


@dataclass
class Stepper:
    """One joint being calibrated. `driver` is the calibration the servo driver runs with now;
    `pulse` (us) is where the servo is, `direction` the way it truly turns for a rising pulse
    (times the file's sign convention: 1 or -1, as in servos.yaml); `centre` and `us_per_rad`
    once the user has accepted them."""

    driver: ServoChannel
    pulse: float
    direction: int
    centre: float | None = None
    us_per_rad: float | None = None

    @classmethod
    def at(cls, driver: ServoChannel, angle: float) -> Stepper:
        return cls(driver, driver.to_quarter_us(angle) / 4, driver.direction)

    @property
    def angle(self) -> float:
        """What to command the driver to put the servo at `pulse`."""
        return self.driver.to_angle(round(self.pulse * 4))

    def observed(self, moved_positive: bool) -> None:
        """The user saw the joint move from the start to the probe angle: which way?"""
        driver = self.driver
        rising = driver.to_quarter_us(probe_angle(driver)) > driver.to_quarter_us(
            start_angle(driver)
        )
        self.direction = 1 if rising == moved_positive else -1

    def step(self, us: float) -> str | None:
        """Move by `us` toward the joint's positive side; None, or why not (nothing moves)."""
        return self._go(self.pulse + self.direction * us)

    def move_to(self, angle: float) -> str | None:
        """Go where `angle` is by what has been found so far; None, or why not."""
        centre = self.pulse if self.centre is None else self.centre
        return self._go(
            centre + self.direction * (self.us_per_rad or self.driver.us_per_rad) * angle
        )

    def _go(self, pulse: float) -> str | None:
        try:
            self.driver.to_quarter_us(self.driver.to_angle(round(pulse * 4)))
        except LimitError as error:
            return f"not moved: {error}"
        self.pulse = pulse
        return None

    def accept_centre(self) -> None:
        """The joint stands at its zero: the centre is here (checked with the scale so far)."""
        self.calibrated(centre=self.pulse)
        self.centre = self.pulse

    def accept_reference(self, angle: float) -> None:
        """The joint stands at `angle`: its us_per_rad follows. ValueError when the joint is on
        the wrong side of its zero or too near it to tell."""
        assert self.centre is not None, "accept the centre first"
        span = self.direction * (self.pulse - self.centre) / angle
        if span * abs(angle) < 20:
            raise ValueError(
                f"{self.driver.joint.name}: {self.pulse - self.centre:+.0f} us from the centre "
                f"cannot stand at {angle:+.3f} rad: step it there, on that side of its zero"
            )
        self.us_per_rad = span

    def calibrated(self, centre: float | None = None) -> ServoChannel:
        """The servo with what was found; LimitError when the URDF's limits would then need
        pulses the servo does not accept."""
        if centre is None:
            centre = self.pulse if self.centre is None else self.centre
        servo = dataclasses.replace(
            self.driver,
            center_us=centre,
            us_per_rad=self.us_per_rad or self.driver.us_per_rad,
            direction=self.direction,
        )
        needs = sorted(
            servo.center_us + servo.direction * servo.us_per_rad * limit
            for limit in (servo.joint.lower, servo.joint.upper)
        )
        if needs[0] < servo.min_us or needs[1] > servo.max_us:
            raise LimitError(
                f"{servo.joint.name}: with its centre at {servo.center_us:.1f} us and "
                f"{servo.us_per_rad:.1f} us/rad its URDF limits need {needs[0]:.0f}.."
                f"{needs[1]:.0f} us, beyond the servo's {servo.min_us:.0f}..{servo.max_us:.0f} us: "
                "not accepted (re-seat the horn one spline nearer, then calibrate again)"
            )
        return servo


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def write_servos(path: str | Path, channels: dict[str, ServoChannel], robot: RobotModel) -> Path:
    """Write servos.yaml keeping its comment header; checked by loading it before it replaces
    the file (a file the servo driver would refuse is never written)."""
    path = Path(path)
    text = path.read_text() if path.exists() else ""
    header = "".join(re.findall(r"^#.*\n", text.split("joints:")[0], flags=re.MULTILINE))
    lines = [header + "joints:"]
    for name, servo in channels.items():
        values = {
            "channel": servo.channel,
            "center_us": number(servo.center_us),
            "us_per_rad": number(servo.us_per_rad),
            "direction": servo.direction,
            "min_us": number(servo.min_us),
            "max_us": number(servo.max_us),
        }
        lines.append(f"  {name}: {{{', '.join(f'{k}: {values[k]}' for k in FIELDS)}}}")
    partial = path.with_name(path.name + ".partial")
    partial.write_text("\n".join(lines) + "\n")
    try:
        load_calibration(partial, robot)
    except (ValueError, KeyError):
        partial.unlink()
        raise
    partial.replace(path)
    return path
