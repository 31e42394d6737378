"""The firmware's C++ link codec (firmware/lib/terry_link.cpp, built for the host) agrees with the
Python codec byte for byte on the documented vectors and on random frames, and its decoder
accepts none of 100,000 corrupted or random frames while taking every good frame after them.
"""

from __future__ import annotations

import random
import subprocess

import pytest
from fixtures.link_vectors import VECTORS

from terry.link import codec
from terry.link import messages as m
from terry.sim.firmware import host_binary

FUZZ_FRAMES = 100_000


@pytest.fixture(scope="module")
def link_tool() -> str:
    return str(host_binary("link_tool"))


def cpp_encode(tool: str, frame_type: int, seq: int, payload: bytes) -> bytes:
    out = subprocess.run(
        [tool, "encode", str(frame_type), str(seq), payload.hex()],
        check=True,
        capture_output=True,
        text=True,
    )
    return bytes.fromhex(out.stdout.strip())


def cpp_decode(tool: str, data: bytes) -> tuple[list[codec.Frame], list[int]]:
    out = subprocess.run([tool, "decode"], input=data, check=True, capture_output=True)
    *lines, errors = out.stdout.decode().splitlines()
    frames = []
    for line in lines:
        kind, seq, payload = line.split(" ")
        frames.append(codec.Frame(int(kind), int(seq), bytes.fromhex(payload)))
    return frames, [int(n) for n in errors.split()[1:]]


@pytest.mark.parametrize("message, seq, wire", VECTORS, ids=lambda v: type(v).__name__)
def test_documented_vectors_byte_for_byte(link_tool, message, seq, wire):
    assert cpp_encode(link_tool, message.TYPE, seq, message.pack()) == bytes.fromhex(wire)
    frames, _errors = cpp_decode(link_tool, bytes.fromhex(wire))
    assert frames == [codec.Frame(message.TYPE, seq, message.pack())]


def test_every_message_type_has_the_same_payload_size_in_the_firmware(link_tool):
    for kind in range(256):
        out = subprocess.run([link_tool, "size", str(kind)], check=True, capture_output=True)
        expected = m.MESSAGES[kind].size() if kind in m.MESSAGES else -1
        assert int(out.stdout) == expected, f"type 0x{kind:02x}"


def test_random_frames_encode_alike(link_tool):
    rng = random.Random(7)
    for _ in range(200):
        kind, seq = rng.randrange(256), rng.randrange(256)
        payload = bytes(rng.choice([0, 0, 1, 255, rng.randrange(256)]) for _ in range(33))
        payload = payload[: rng.randint(0, codec.MAX_PAYLOAD)]
        assert cpp_encode(link_tool, kind, seq, payload) == codec.encode(kind, seq, payload)


def damage(rng: random.Random, wire: bytes) -> bytes:
    """A frame's bytes without their delimiter, damaged one of five ways (never unchanged)."""
    bad = bytearray(wire[:-1])
    how = rng.randrange(5)
    if how == 0:
        return rng.randbytes(rng.randint(1, 60)).replace(b"\x00", b"\x01")
    if how == 1:
        for bit in rng.sample(range(len(bad) * 8), rng.randint(1, 3)):
            bad[bit // 8] ^= 1 << (bit % 8)
    elif how == 2:
        del bad[rng.randrange(len(bad))]
    elif how == 3:
        i = rng.randrange(len(bad))
        bad[i] = (bad[i] + rng.randint(1, 255)) % 256
    else:
        start = rng.randrange(len(bad))
        bad[start : start + 2] = rng.randbytes(2)
    return bytes(bad).replace(b"\x00", b"\x01")  # a 0x00 would just split it in two


def test_corrupted_and_random_frames_are_never_accepted_and_the_next_good_one_is(link_tool):
    rng = random.Random(2026)
    stream, expected, unchanged = bytearray(), [], 0
    for _ in range(FUZZ_FRAMES):
        message, _seq, _wire = rng.choice(VECTORS)
        wire = codec.encode(message.TYPE, rng.randrange(256), message.pack())
        bad = damage(rng, wire)
        stream += bad + b"\x00"
        if bad == wire[:-1]:
            expected.append(codec.Decoder().feed(wire)[0])  # a damage that undid itself
            unchanged += 1
        follow, _seq, _wire = rng.choice(VECTORS)
        good = codec.encode(follow.TYPE, rng.randrange(256), follow.pack())
        stream += good
        expected.append(codec.Decoder().feed(good)[0])
    frames, (crc_errors, framing_errors, _dropped) = cpp_decode(link_tool, bytes(stream))
    # Frames whose CRC happens to match (about 1 in 65,536) must still fail the type/length
    # check every receiver applies before acting: nothing damaged is ever accepted.
    acted_on = []
    for frame in frames:
        try:
            m.decode(frame)
        except ValueError:
            continue
        acted_on.append(frame)
    assert frames == codec.Decoder().feed(bytes(stream))  # the same frames as the host's
    assert acted_on == expected
    refused = crc_errors + framing_errors + len(frames) - len(acted_on)
    assert refused == FUZZ_FRAMES - unchanged
