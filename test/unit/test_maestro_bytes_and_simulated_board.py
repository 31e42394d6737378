"""The Maestro compact protocol byte for byte, and the simulated board decoding the same bytes."""

from __future__ import annotations

import random
import threading

import pytest
import serial

from terry.arm import maestro
from terry.arm.maestro import MaestroError
from terry.sim.maestro_device import MaestroDevice, serve


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        # Pololu's own worked example: channel 2 to 1500 us = 6000 quarter-us.
        (maestro.set_target(2, 6000), bytes([0x84, 0x02, 0x70, 0x2E])),
        (maestro.set_target(0, 0), bytes([0x84, 0x00, 0x00, 0x00])),  # off: limp
        # 2000 us = 8000 = 0b1111101_000000 -> low 7 bits 0x40, high 7 bits 0x3E
        (maestro.set_target(5, 8000), bytes([0x84, 0x05, 0x40, 0x3E])),
        (maestro.set_target(23, 0x3FFF), bytes([0x84, 0x17, 0x7F, 0x7F])),
        # Pololu's Set Speed example: channel 5, 140 (3.5 us/ms) = 1*128 + 12
        (maestro.set_speed(5, 140), bytes([0x87, 0x05, 0x0C, 0x01])),
        (maestro.set_acceleration(3, 4), bytes([0x89, 0x03, 0x04, 0x00])),
        (maestro.get_position(4), bytes([0x90, 0x04])),
        (maestro.get_moving_state(), bytes([0x93])),
        (maestro.get_errors(), bytes([0xA1])),
        (maestro.go_home(), bytes([0xA2])),
    ],
)
def test_commands_encode_to_the_documented_bytes(encoded, expected):
    assert encoded == expected


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: maestro.set_target(24, 6000), "channel"),
        (lambda: maestro.set_target(0, 0x4000), "target"),
        (lambda: maestro.set_target(0, -1), "target"),
        (lambda: maestro.set_acceleration(0, 256), "acceleration"),
    ],
)
def test_values_that_do_not_fit_the_protocol_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_replies_decode_little_endian():
    assert maestro.decode_u16(bytes([0x70, 0x17])) == 6000
    with pytest.raises(ValueError):
        maestro.decode_u16(b"\x01")


def test_simulated_board_reports_the_target_it_was_sent():
    board = MaestroDevice()
    assert board.receive(maestro.set_target(2, 6000)) == b""
    board.advance(0.01)
    assert board.receive(maestro.get_position(2)) == (6000).to_bytes(2, "little")
    assert board.receive(maestro.get_errors()) == b"\x00\x00"


def test_simulated_servo_slews_at_the_speed_limit():
    board = MaestroDevice()
    board.receive(maestro.set_target(0, 6000))
    board.advance(0.01)
    board.receive(maestro.set_speed(0, 10) + maestro.set_target(0, 7000))
    board.advance(0.105)  # ten 10 ms ticks
    position = maestro.decode_u16(board.receive(maestro.get_position(0)))
    assert position == 6100
    assert board.receive(maestro.get_moving_state()) == b"\x01"
    board.advance(2.0)
    assert maestro.decode_u16(board.receive(maestro.get_position(0))) == 7000
    assert board.receive(maestro.get_moving_state()) == b"\x00"


def test_target_zero_makes_the_servo_limp():
    board = MaestroDevice()
    board.receive(maestro.set_target(1, 6000))
    board.advance(0.02)
    board.receive(maestro.set_target(1, 0))
    board.advance(0.02)
    assert board.receive(maestro.get_position(1)) == b"\x00\x00"


@pytest.mark.parametrize(
    "garbage",
    [
        bytes([0x70, 0x2E]),  # data bytes with no command
        bytes([0x84, 0x02, 0x70]),  # a command cut short by the next one
        bytes([0xFF]),  # an unknown command
        bytes([0x84, 0x40, 0x70, 0x2E]),  # a channel the board does not have
    ],
    ids=["orphan-data", "interrupted", "unknown-command", "no-such-channel"],
)
def test_garbage_moves_nothing_and_flags_a_protocol_error(garbage):
    board = MaestroDevice()
    board.receive(maestro.set_target(2, 6000))
    board.advance(0.01)
    board.receive(garbage + maestro.get_position(2))
    board.advance(0.5)
    assert maestro.decode_u16(board.receive(maestro.get_position(2))) == 6000
    errors = maestro.decode_u16(board.receive(maestro.get_errors()))
    assert errors & MaestroError.SERIAL_PROTOCOL
    assert maestro.describe_errors(errors) == "SERIAL_PROTOCOL"
    assert board.receive(maestro.get_errors()) == b"\x00\x00"  # reading cleared them


def test_random_bytes_never_crash_the_board_and_it_recovers():
    board = MaestroDevice()
    noise = random.Random(7)
    for _ in range(2000):
        board.receive(bytes(noise.randrange(256) for _ in range(noise.randrange(1, 9))))
    board.receive(maestro.get_errors())  # a whole command ends any half-parsed packet
    board.receive(maestro.set_speed(3, 0) + maestro.set_acceleration(3, 0))
    board.receive(maestro.set_target(3, 5000))
    board.advance(0.05)
    assert maestro.decode_u16(board.receive(maestro.get_position(3))) == 5000


def test_simulated_board_on_a_pty_survives_garbage_and_answers_like_the_real_one(tmp_path):
    """The board's process as the driver sees it: a serial port at a path, opened with pyserial."""
    link = tmp_path / "maestro"
    board, stop = MaestroDevice(), threading.Event()
    thread = threading.Thread(target=serve, args=(str(link), board, lambda: not stop.is_set()))
    thread.start()
    try:
        from fixtures.harness import wait_for

        wait_for(link.exists, 10, "the simulated board's port")
        with serial.Serial(str(link), 115200, timeout=2) as port:
            port.write(maestro.set_target(1, 7000) + bytes([0x55, 0xFF, 0x84, 0x01]))
            port.write(maestro.get_errors())  # interrupts the cut-short set target above
            assert maestro.decode_u16(port.read(2)) & MaestroError.SERIAL_PROTOCOL
            wait_for(lambda: board.outputs[1].position == 7000, 10, "channel 1 at 7000")
            port.write(maestro.get_position(1))
            assert maestro.decode_u16(port.read(2)) == 7000
    finally:
        stop.set()
        thread.join()
    assert not link.exists()  # unplugged: the port is gone
