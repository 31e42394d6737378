"""The real pan/tilt firmware (host build, simulated gearmotor, 24:80 gears and encoder) over the
real link: position moves settle on the unwrapped target, radar mode spins at the commanded rate,
the watchdog stops the motor when the host falls silent, e-stop and bad values move nothing.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from fixtures.harness import wait_for

from terry.link import messages as m

TOLERANCE = 0.005  # rad at the pan tube (the encoder's step is 0.29 mrad)


class Commander:
    """Resends one command at 20 Hz, as the pan_tilt node does, until stopped."""

    def __init__(self, host, command: m.PanTiltCommand) -> None:
        self.host, self.command = host, command
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.host.link.send(self.command)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def flags(host) -> int:
    status = host.latest.get(m.Status)
    return status.flags if status else 0


def settled(host, target: float) -> bool:
    state = host.state()
    return (
        state is not None
        and abs(state.pan / 1e6 - target) < TOLERANCE
        and abs(state.pan_velocity) <= 2
    )


@pytest.mark.parametrize(
    "pan_board, target",
    [(0.0, 0.3), (0.0, -0.25), (6.1, 6.5), (-6.1, -6.6)],
    ids=["small", "negative", "past a turn", "past a turn backwards"],
    indirect=["pan_board"],
)
def test_position_moves_settle_within_tolerance(host_link, pan_board, target):
    start = pan_board.start_pan  # the unwrapped angle carries on past +-2 pi
    commander = Commander(host_link, m.PanTiltCommand(1, round(start * 1e6), 0))
    try:
        wait_for(lambda: settled(host_link, start), 10, f"pan to settle at {start}")
        commander.command = m.PanTiltCommand(1, round(target * 1e6), 200)
        wait_for(lambda: settled(host_link, target), 30, f"pan to settle at {target}")
        wait_for(lambda: host_link.state().tilt == 200, 5, "tilt at 0.2 rad")
    finally:
        commander.stop()


def test_radar_mode_spins_at_the_commanded_rate(host_link):
    speed = 0.15
    commander = Commander(host_link, m.PanTiltCommand(2, round(speed * 1e6), 0))
    try:
        wait_for(lambda: abs(host_link.state().pan_velocity - 150) < 10, 10, "cruise speed")
        first = host_link.state()
        wait_for(lambda: host_link.state().millis - first.millis > 2000, 10, "2 s of spinning")
        last = host_link.state()
        rate = (last.pan - first.pan) / 1e6 / ((last.millis - first.millis) / 1e3)
        assert rate == pytest.approx(speed, rel=0.05)
    finally:
        commander.stop()


def test_watchdog_stops_the_motor_when_the_host_falls_silent(host_link):
    commander = Commander(host_link, m.PanTiltCommand(2, 150_000, 0))
    wait_for(lambda: host_link.state().pan_velocity > 100, 10, "the pan spinning")
    commander.stop()  # heartbeats go on, commands stop: the firmware must stop by itself
    wait_for(lambda: flags(host_link) & m.FLAG_WATCHDOG, 5, "the watchdog flag")
    wait_for(lambda: host_link.state().pan_velocity == 0, 5, "the pan stopped")
    stopped = host_link.state()
    wait_for(lambda: host_link.state().millis - stopped.millis > 300, 5, "300 ms more")
    assert abs(host_link.state().pan - stopped.pan) < 2000  # urad: it stays stopped


def test_estop_refuses_motion_until_released(host_link):
    assert host_link.ack_for(host_link.link.send(m.Estop(1))).status == m.ACK_OK
    before = host_link.state().pan
    seq = host_link.link.send(m.PanTiltCommand(2, 150_000, 0))
    assert host_link.ack_for(seq).status == m.ACK_ESTOPPED
    wait_for(lambda: flags(host_link) & m.FLAG_ESTOP, 5, "the e-stop flag")
    assert host_link.state().pan == before
    host_link.link.send(m.Estop(0))
    seq = host_link.link.send(m.PanTiltCommand(1, 100_000, 0))
    assert host_link.ack_for(seq).status == m.ACK_OK


@pytest.mark.parametrize(
    "command",
    [
        m.PanTiltCommand(1, 0, 601),  # tilt beyond its 0.6 rad limit
        m.PanTiltCommand(2, 300_000, 0),  # faster than the gearmotor goes
        m.PanTiltCommand(7, 0, 0),  # no such mode
    ],
    ids=["tilt out of range", "pan too fast", "unknown mode"],
)
def test_out_of_range_commands_are_refused_and_move_nothing(host_link, command):
    before = host_link.state()
    assert host_link.ack_for(host_link.link.send(command)).status == m.ACK_OUT_OF_RANGE
    wait_for(lambda: host_link.state().millis - before.millis > 300, 5, "300 ms more")
    after = host_link.state()
    assert (after.pan, after.tilt) == (before.pan, before.tilt)


@pytest.mark.parametrize("stop", ["estop", "watchdog"])
def test_a_pan_turned_by_hand_while_stopped_starts_from_where_it_is(host_link, pan_board, stop):
    """Stopped (e-stop, or the host silent), the pan is turned by hand; the next command starts
    from where the pan now is: a slow spin forward goes forward, it never unwinds the hand's
    turn (it once drove 136 counts backwards)."""
    if stop == "estop":
        assert host_link.ack_for(host_link.link.send(m.Estop(1))).status == m.ACK_OK
    else:  # a command, then silence: the watchdog stops the motor
        host_link.link.send(m.PanTiltCommand(2, 100_000, 0))
        wait_for(lambda: flags(host_link) & m.FLAG_WATCHDOG, 5, "the watchdog flag")
    start = host_link.state().pan
    os.kill(pan_board.process.pid, signal.SIGUSR1)  # a hand turns the pan tube one turn forward
    wait_for(lambda: host_link.state().pan - start > 6_000_000, 10, "the hand's turn")
    wait_for(lambda: host_link.state().pan_velocity == 0, 10, "the hand letting go")
    turned = host_link.state().pan
    if stop == "estop":
        host_link.link.send(m.Estop(0))
    commander = Commander(host_link, m.PanTiltCommand(2, 100_000, 0))
    lowest = turned
    try:
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            lowest = min(lowest, host_link.state().pan)
            time.sleep(0.02)
        moved = host_link.state().pan - turned
    finally:
        commander.stop()
    assert turned - lowest < 20_000, f"unwound {(turned - lowest) / 1e6:.3f} rad of the hand's turn"
    assert moved > 100_000, f"moved {moved / 1e6:.3f} rad instead of spinning forward"
