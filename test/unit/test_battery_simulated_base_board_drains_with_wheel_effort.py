"""The simulated base board reports its battery each second like the firmware (mV through the
same 10-bit divider); it drains slowly at idle, faster and with a sag while the wheels turn."""

from __future__ import annotations

import pytest

from terry.link import codec
from terry.link import messages as m
from terry.sim.base_board import BaseBoardModel, SimBattery


def batteries(data: bytes) -> list[float]:
    frames = codec.Decoder().feed(data)
    return [msg.millivolts / 1000 for f in frames if isinstance(msg := m.decode(f), m.Battery)]


def run(board: BaseBoardModel, seconds: float, wheels: tuple[int, int] | None = None) -> bytes:
    out = bytearray()
    for _ in range(round(seconds / 0.01)):
        if wheels is not None:
            out += board.receive(
                codec.encode(m.WheelVelocity.TYPE, 1, m.WheelVelocity(*wheels).pack())
            )
        out += board.advance(0.01)
    return bytes(out)


def test_a_battery_report_each_second_at_the_resting_voltage():
    board = BaseBoardModel(battery=SimBattery(charge=0.5))
    readings = batteries(run(board, 3.0))
    assert len(readings) == 3
    assert readings[-1] == pytest.approx(10.2 + 1.2 - 0.025, abs=0.02)


def test_driving_sags_the_voltage_and_drains_faster_than_idling():
    idle, driving = BaseBoardModel(), BaseBoardModel()
    rest = batteries(run(idle, 2.0))[-1]
    loaded = batteries(run(driving, 2.0, wheels=(15000, 15000)))[-1]
    assert rest - loaded > 0.15
    assert driving.battery.charge < idle.battery.charge < 1.0


def test_an_hour_at_idle_uses_a_ninth_of_the_charge():
    board = BaseBoardModel(battery=SimBattery(charge=0.5))
    board.advance(3600.0)
    assert board.battery.charge == pytest.approx(0.5 - 0.25 / 2.2, abs=1e-3)


@pytest.mark.parametrize("charge", [-0.1, 1.5, float("nan")])
def test_an_impossible_charge_is_refused(charge):
    with pytest.raises(ValueError):
        SimBattery(charge=charge)
