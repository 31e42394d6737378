"""The simulated Maestro's startup pulses (the board's "on startup: go to" setting) and its
injected faults: an obstacle a servo cannot pass, and one servo slower than the rest."""

from __future__ import annotations

from terry.arm import maestro
from terry.sim.maestro_device import MaestroDevice


def position(device: MaestroDevice, channel: int) -> int:
    return int.from_bytes(device.receive(maestro.get_position(channel)), "little")


def test_channels_start_with_their_startup_pulses_and_others_off():
    device = MaestroDevice(channels=3, startup=[6000, 0])
    device.advance(0.1)
    assert [position(device, c) for c in range(3)] == [6000, 0, 0]


def test_blocked_servo_stops_at_the_obstacle_and_backs_away_freely():
    device = MaestroDevice(channels=1, startup=[8000])
    device.block(0, 7000)
    device.receive(maestro.set_target(0, 4000))
    device.advance(0.5)
    assert position(device, 0) == 7000  # stopped dead at the obstacle
    device.receive(maestro.set_target(0, 7600))
    device.advance(0.5)
    assert position(device, 0) == 7600  # away from it: free
    device.block(0, None)
    device.receive(maestro.set_target(0, 4000))
    device.advance(0.5)
    assert position(device, 0) == 4000


def test_servo_held_at_its_obstacle_cannot_move_either_way():
    device = MaestroDevice(channels=1, startup=[6000])
    device.block(0, 6000)
    for target in (5000, 7000):
        device.receive(maestro.set_target(0, target))
        device.advance(0.3)
        assert position(device, 0) == 6000


def test_one_slow_servo_lags_behind_the_others():
    device = MaestroDevice(channels=2, startup=[6000, 6000])
    device.outputs[1].slew = 10  # quarter-us per 10 ms
    for channel in (0, 1):
        device.receive(maestro.set_target(channel, 7000))
    device.advance(0.5)
    assert position(device, 0) == 7000
    assert 6400 <= position(device, 1) <= 6500  # 10 per tick for 0.5 s
