"""The firmware's link codec (firmware/lib/terry_link.cpp, run through its host-built
firmware/host/link_tool) produces the documented test vectors byte for byte, encodes any frame as
the Python host does, and takes exactly the frames the Python decoder takes from corrupted streams.
"""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest
from test_link_frames_and_resync import VECTORS

from terry.link import codec

STREAMS = 20_000


@pytest.fixture(scope="module")
def link_tool():
    if shutil.which("g++") is None or shutil.which("make") is None:
        pytest.skip("g++ and make are needed to build the firmware for the host")
    from terry.sim.firmware import host_binary

    return str(host_binary("link_tool"))


def encode(tool: str, kind: int, seq: int, payload: bytes) -> str:
    done = subprocess.run(
        [tool, "encode", str(kind), str(seq), payload.hex()],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def decode(tool: str, data: bytes) -> tuple[list[codec.Frame], list[int]]:
    done = subprocess.run([tool, "decode"], input=data, capture_output=True, check=True)
    *frames, errors = done.stdout.decode().splitlines()
    parsed = []
    for line in frames:
        kind, seq, *payload = line.split(" ")
        parsed.append(codec.Frame(int(kind), int(seq), bytes.fromhex("".join(payload))))
    return parsed, [int(e) for e in errors.split()[1:]]


@pytest.mark.parametrize("message, seq, wire", VECTORS, ids=lambda v: type(v).__name__)
def test_firmware_codec_matches_the_documented_vectors(link_tool, message, seq, wire):
    assert encode(link_tool, message.TYPE, seq, message.pack()) == wire.replace(" ", "")
    frames, errors = decode(link_tool, bytes.fromhex(wire))
    assert frames == [codec.Frame(message.TYPE, seq, message.pack())] and errors == [0, 0, 0]


def test_firmware_and_python_encode_any_frame_alike(link_tool):
    rng = random.Random(7)
    for _ in range(300):
        kind, seq = rng.randrange(256), rng.randrange(256)
        payload = rng.randbytes(rng.randint(0, codec.MAX_PAYLOAD))
        assert encode(link_tool, kind, seq, payload) == codec.encode(kind, seq, payload).hex()


def test_firmware_and_python_take_the_same_frames_from_corrupted_streams(link_tool):
    rng = random.Random(11)
    stream = bytearray()
    for _ in range(STREAMS):
        msg, _, _ = rng.choice(VECTORS)
        wire = bytearray(codec.encode(msg.TYPE, rng.randrange(256), msg.pack()))
        damage = rng.randrange(4)
        if damage == 0:
            wire = bytearray(rng.randbytes(rng.randint(1, 60)))
        elif damage == 1:
            for i in rng.sample(range(len(wire)), rng.randint(1, 3)):
                wire[i] ^= 1 << rng.randrange(8)
        elif damage == 2:
            del wire[rng.randrange(len(wire))]
        stream += wire  # damage 3: left intact
    python = codec.Decoder()
    expected = python.feed(bytes(stream))
    frames, (crc_errors, framing_errors, _) = decode(link_tool, bytes(stream))
    assert frames == expected
    # Intact frames after a damaged one that lost its delimiter are lost with it: that is framing.
    assert len(frames) > STREAMS // 8, "intact frames were taken"
    assert (crc_errors, framing_errors) == (python.crc_errors, python.framing_errors)
