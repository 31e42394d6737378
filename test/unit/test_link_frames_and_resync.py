"""The link's frames match docs/serial-protocol.md byte for byte, round-trip for any payload,
and no corrupted or random frame is ever accepted: the decoder drops it, counts it, and takes
the next good frame.
"""

from __future__ import annotations

import contextlib
import random
import struct

import pytest
from fixtures.link_vectors import VECTORS
from hypothesis import given
from hypothesis import strategies as st

from terry.link import codec
from terry.link import messages as m

FUZZ_FRAMES = 100_000


def bitwise_crc(data: bytes) -> int:
    """CRC-16/CCITT-FALSE computed bit by bit, independently of the codec's implementation."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def accepted(decoder: codec.Decoder, data: bytes) -> list[m.Message]:
    """Messages a host would act on: frames that pass the CRC and decode to a known message."""
    out = []
    for frame in decoder.feed(data):
        with contextlib.suppress(ValueError):
            out.append(m.decode(frame))
    return out


def test_crc_is_ccitt_false():
    assert codec.crc16(b"123456789") == 0x29B1 == bitwise_crc(b"123456789")


@pytest.mark.parametrize("message, seq, wire", VECTORS, ids=lambda v: type(v).__name__)
def test_vectors_byte_for_byte(message, seq, wire):
    data = bytes.fromhex(wire)
    assert codec.encode(message.TYPE, seq, message.pack()) == data
    body = codec.cobs_decode(data[:-1])
    assert bitwise_crc(body[:-2]) == int.from_bytes(body[-2:], "big")
    assert len(message.pack()) <= codec.MAX_PAYLOAD and len(data) <= codec.MAX_ENCODED + 1
    frames = codec.Decoder().feed(data)
    assert [(f.type, f.seq) for f in frames] == [(message.TYPE, seq)]
    assert m.decode(frames[0]) == message


def test_every_message_fits_the_328p_receive_ring():
    for kind in m.MESSAGES.values():
        assert kind.size() <= codec.MAX_PAYLOAD
    assert codec.MAX_ENCODED + 1 <= 64, "a whole frame fits the Arduino core's 64-byte RX ring"


@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=codec.MAX_PAYLOAD))
def test_any_frame_round_trips_and_holds_no_zero_before_its_delimiter(kind, seq, payload):
    wire = codec.encode(kind, seq, payload)
    assert 0 not in wire[:-1] and wire[-1] == 0
    assert codec.Decoder().feed(wire) == [codec.Frame(kind, seq, payload)]


@given(st.binary(max_size=600))
def test_cobs_round_trips_any_bytes(data):
    assert codec.cobs_decode(codec.cobs_encode(data)) == data


@given(st.sampled_from(VECTORS), st.binary(max_size=200))
def test_garbage_before_a_frame_costs_at_most_that_frame(vector, garbage):
    message, _seq, wire = vector
    decoder = codec.Decoder()
    frames = accepted(decoder, garbage + bytes.fromhex(wire) + bytes.fromhex(wire))
    assert frames[-1] == message and len(frames) in (1, 2)


def test_payload_too_long_for_the_board_is_refused():
    with pytest.raises(ValueError, match="exceeds"):
        codec.encode(0x10, 0, bytes(codec.MAX_PAYLOAD + 1))


def test_wrong_length_and_unknown_type_are_refused():
    with pytest.raises(ValueError, match="needs 4 payload bytes"):
        m.decode(codec.Frame(m.WheelVelocity.TYPE, 0, b"\x01\x02"))
    with pytest.raises(ValueError, match="unknown message type"):
        m.decode(codec.Frame(0x7E, 0, b""))


def good_frames(rng: random.Random):
    while True:
        message, _seq, _ = rng.choice(VECTORS)
        yield message, codec.encode(message.TYPE, rng.randrange(256), message.pack())


def test_bit_errors_in_frames_are_never_accepted_and_the_next_frame_is():
    """1 to 3 flipped bits anywhere in a frame's body: CRC-16/CCITT-FALSE catches them all."""
    rng = random.Random(4)
    decoder = codec.Decoder()
    frames = good_frames(rng)
    for _ in range(FUZZ_FRAMES):
        _message, wire = next(frames)
        body = bytearray(codec.cobs_decode(wire[:-1]))
        for bit in rng.sample(range(len(body) * 8), rng.randint(1, 3)):
            body[bit // 8] ^= 1 << (bit % 8)
        assert accepted(decoder, codec.cobs_encode(bytes(body)) + b"\x00") == []
        follow, wire = next(frames)
        assert accepted(decoder, wire) == [follow]
    assert decoder.crc_errors + decoder.framing_errors == FUZZ_FRAMES


@pytest.mark.parametrize("damage", ["random bytes", "bytes replaced", "bytes lost", "bursts"])
def test_corrupted_or_random_frames_are_never_accepted_and_the_link_recovers(damage):
    rng = random.Random(damage)
    decoder = codec.Decoder()
    frames = good_frames(rng)
    for _ in range(FUZZ_FRAMES // 4):
        _message, wire = next(frames)
        bad = bytearray(wire[:-1])
        if damage == "random bytes":
            bad = bytearray(rng.randbytes(rng.randint(1, 40)))
        elif damage == "bytes replaced":
            for i in rng.sample(range(len(bad)), rng.randint(1, 3)):
                bad[i] = (bad[i] + rng.randint(1, 255)) % 256
        elif damage == "bytes lost":
            del bad[rng.randrange(len(bad))]
        else:
            start = rng.randrange(len(bad))
            bad[start : start + 2] = struct.pack("<H", rng.randrange(1, 65536))
        got = accepted(decoder, bytes(bad) + b"\x00")
        assert all(isinstance(g, m.Message) and g in {v[0] for v in VECTORS} for g in got)
        assert got == [] or bytes(bad) == wire[:-1], f"accepted a damaged frame: {bytes(bad).hex()}"
        follow, wire = next(frames)
        assert accepted(decoder, wire) == [follow]


def test_random_bytes_into_the_base_board_never_move_a_wheel():
    from terry.sim.base_board import BaseBoardModel

    rng = random.Random(9)
    board = BaseBoardModel()
    for _ in range(1000):
        board.receive(rng.randbytes(100))
        board.advance(0.001)
        assert all(w.target == 0.0 and w.speed == 0.0 for w in board.wheels)
    # The garbage may end mid-frame: a lone 0x00 (what the host sends on connect) ends it.
    good = codec.encode(m.WheelVelocity.TYPE, 1, m.WheelVelocity(500, 500).pack())
    assert board.receive(b"\x00" + good)
    assert all(w.target == 0.5 for w in board.wheels), "a good frame right after the garbage"
