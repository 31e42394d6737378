"""`./run board wiring`: check each gearmotor's and servo's wiring, say how to fix each, exit 1 on a
problem. With no ROS: it talks to the boards over the link, as the doctor does.

For each gearmotor (both wheels, the pan): a hand turns it one turn forward with the motor off
(the encoder's direction, its counts per turn against the firmware's, or a dead encoder), then the
test spins it a few degrees each way (the motor's direction; terry.bringup.wiring_motors). Then
the tilt servo and the arm's Maestro channels go to their centres. Any key stops it at once, and
so does the e-stop when a ROS master runs (/estop/state).

./run board wiring                        the boards on /dev/serial/by-id
./run board wiring --port /tmp/terry/base (also) these ports: the simulated boards
./run board wiring --no-hand              spins only (a reversed motor and a reversed encoder
                                          then look alike)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time

import serial

from terry.bringup import boards, system
from terry.bringup.findings import OK, PROBLEM, Finding, summary
from terry.bringup.wiring_judge import Wiring, judge_hand, judge_spins
from terry.bringup.wiring_motors import BoardLink, Motor, Stopped, hand_turn, pan, spin, wheels
from terry.bringup.wiring_stop import Keys, RosEstop, Stopper
from terry.link import messages as m
from terry.link.transport import HandshakeError, probe

SWAP_MOTOR = "swap the {}'s two motor wires on the H-bridge's {} outputs"
SWAP_ENCODER = "swap the {}'s encoder A and B wires ({})"
LEFT = Wiring(
    "left wheel",
    "forward (the way the robot drives ahead)",
    SWAP_MOTOR.format("left wheel", "A01/A02"),
    SWAP_ENCODER.format("left wheel", "D2 and D3"),
    "base board D2 and D3",
    "BASE_TICKS_PER_REV in firmware/lib/base_app.h",
    "base",
)
RIGHT = Wiring(
    "right wheel",
    "forward (the way the robot drives ahead)",
    SWAP_MOTOR.format("right wheel", "B01/B02"),
    SWAP_ENCODER.format("right wheel", "A0 and A1"),
    "base board A0 and A1",
    "BASE_TICKS_PER_REV in firmware/lib/base_app.h",
    "base",
)
PAN = Wiring(
    "pan",
    "counterclockwise seen from above",
    SWAP_MOTOR.format("pan", "A01/A02"),
    SWAP_ENCODER.format("pan", "D2 and D3"),
    "pan/tilt board D2 and D3",
    "PAN_COUNTS_PER_TURN in firmware/lib/pan_tilt_app.h",
    "pan_tilt",
)
TILT_CENTRED = 10  # mrad
SERVO_CENTRED = 0.02  # rad
SERVO_TIMEOUT = 5.0  # s for an arm servo to reach its centre


def say(finding: Finding) -> Finding:
    print(finding.line(), flush=True)
    return finding


def check_motor(motor: Motor, stopper: Stopper, by_hand: bool) -> list[Finding]:
    """The hand turn, then a spin each way (none with a dead encoder: the board's speed loop
    would run the motor away)."""
    found: list[Finding] = []
    counts, polarity = None, 0
    if by_hand:
        counts = hand_turn(motor, stopper.answer)
        found, polarity = judge_hand(motor.wiring, counts, motor.configured)
        for finding in found:
            say(finding)
    if counts is not None and polarity == 0:
        return found
    if counts is not None:
        motor.measured = abs(counts)
    print(f"spinning the {motor.wiring.name} a few degrees each way (any key stops it)")
    forward = spin(motor, 1, stopper.reason)
    back = spin(motor, -1, stopper.reason)
    return [*found, say(judge_spins(motor.wiring, polarity, forward, back))]


def centre_tilt(board: BoardLink, stopper: Stopper) -> Finding:
    """The tilt servo to its centre (0 mrad); judged on the board's reported tilt."""
    board.estop(False)
    deadline = time.monotonic() + 2.0
    try:
        while True:
            board.command(m.PanTiltCommand(0, 0, 0))
            reason = stopper.reason()
            if reason:
                raise Stopped(reason)
            tilt = board.next(m.PanTiltState).tilt  # type: ignore[attr-defined]
            if abs(tilt) <= TILT_CENTRED or time.monotonic() > deadline:
                break
    finally:
        board.estop(True)
    if abs(tilt) <= TILT_CENTRED:
        return say(Finding("tilt servo", OK, f"at its centre ({tilt} mrad)"))
    text = f"did not reach its centre: the board reports {tilt} mrad"
    return say(Finding("tilt servo", PROBLEM, text, "check the tilt servo's plug on D9"))


def centre_arm(port: str, stopper: Stopper) -> list[Finding]:
    """Each arm servo on the Maestro to its centre (joint angle 0 of config/servos.yaml, or the
    nearest limit), at the URDF's speed limit."""
    from terry.arm.bus import LinkDown, ServoBus
    from terry.arm.calibration import load_calibration
    from terry.model import load_robot
    from terry.paths import package_file

    channels = load_calibration(package_file("config", "servos.yaml"), load_robot())
    centre = {
        name: min(max(0.0, servo.joint.lower), servo.joint.upper)
        for name, servo in channels.items()
    }
    bus = ServoBus(port, channels)
    try:
        bus.connect()
        bus.set_angles(centre)
        deadline = time.monotonic() + SERVO_TIMEOUT
        while True:
            angles = bus.read_angles()
            reason = stopper.reason()
            if reason:
                bus.set_angles({k: v for k, v in angles.items() if v is not None})
                raise Stopped(reason)
            off = {k: v for k, v in angles.items() if v is None or abs(v - centre[k]) > 0.02}
            if not off or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    except LinkDown as error:
        return [say(Finding("maestro", PROBLEM, str(error), "./run doctor says why"))]
    finally:
        bus.close()
    found = []
    for name, servo in channels.items():
        where = f"channel {servo.channel}"
        if name in off:
            text = f"did not reach its centre ({centre[name]:.2f} rad) on {where}"
            fix = f"check the servo's plug on {where} and the Maestro's servo power"
            found.append(say(Finding(name, PROBLEM, text, fix)))
        else:
            found.append(say(Finding(name, OK, f"at its centre ({centre[name]:.2f} rad), {where}")))
    return found


def open_boards(ports: list[str], timeout: float) -> tuple[list, list[Finding]]:
    """(BoardLink, HelloReply) of each base and pan/tilt board among ports; findings for the
    ports that fail."""
    opened, found = [], []
    for port in ports:
        if boards.is_maestro(port):
            continue
        try:
            reply = probe(port, timeout=timeout)
        except (serial.SerialException, HandshakeError):
            found.append(say(boards.check_port(port, timeout=timeout)))
            continue
        if reply.firmware not in (m.FIRMWARE_BASE, m.FIRMWARE_PAN_TILT):
            continue  # the IMU board: nothing to turn
        judged = boards.judge(os.path.basename(port), port, reply)
        if judged.level == PROBLEM:
            found.append(say(judged))
            continue
        board = BoardLink(port, reply.firmware)
        try:
            opened.append((board, board.open(timeout)))
        except ConnectionError as error:
            found.append(say(Finding(os.path.basename(port), PROBLEM, str(error), "")))
    return opened, found


def motors_of(board: BoardLink, reply: m.HelloReply) -> list[Motor]:
    if reply.firmware == m.FIRMWARE_BASE:
        return wheels(board, reply, LEFT, RIGHT)
    return [pan(board, reply, PAN)]


def run(ports: list[str], maestro: str | None, stopper: Stopper, by_hand: bool) -> list[Finding]:
    opened, found = open_boards(ports, 3.0)
    if not opened and maestro is None:
        text = "no base, pan/tilt board or Maestro found"
        fix = "plug them in (./run doctor says why a port fails; simulated: --port PATH)"
        return [*found, say(Finding("boards", PROBLEM, text, fix))]
    try:
        for board, reply in opened:
            for motor in motors_of(board, reply):
                found += check_motor(motor, stopper, by_hand)
            if reply.firmware == m.FIRMWARE_PAN_TILT:
                found.append(centre_tilt(board, stopper))
        if maestro is not None:
            found += centre_arm(maestro, stopper)
    except Stopped as why:
        text = f"stopped: {why}; every motor is off"
        found.append(say(Finding("wiring test", PROBLEM, text, "run it again to finish")))
    finally:
        for board, _ in opened:
            with contextlib.suppress(Stopped):
                board.estop(True)
            board.close()
    return found


def ros_estop() -> RosEstop | None:
    """The e-stop's state when a ROS master answers; None without ROS."""
    uri = os.environ.get("ROS_MASTER_URI", "")
    if not uri or system.master(uri, timeout=1.0)[0].level != OK:
        return None
    estop = RosEstop()
    estop.wait_first()
    return estop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wiring", description=__doc__.splitlines()[0])
    parser.add_argument("--port", action="append", default=[], help="also test this port")
    parser.add_argument("--maestro", help="the arm's Maestro port (default: found by its name)")
    parser.add_argument("--no-hand", action="store_true", help="no hand turns: spins only")
    parser.add_argument("--by-id", default=boards.BY_ID, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    plugged = boards.serial_ports(args.by_id)
    maestro = args.maestro or next((p for p in plugged if boards.is_maestro(p)), None)
    keys = Keys()
    estop = ros_estop()
    try:
        found = run(plugged + args.port, maestro, Stopper(keys, estop), not args.no_hand)
    finally:
        keys.close()
        if estop is not None:
            estop.close()
    print(summary(found).replace("terry doctor", "terry wiring", 1))
    return 1 if any(f.level == PROBLEM for f in found) else 0


if __name__ == "__main__":
    sys.exit(main())
