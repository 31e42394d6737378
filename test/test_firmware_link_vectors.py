"""The firmware's C++ link code (firmware/link/) produces the documented test vectors byte for
byte and accepts exactly the frames the Python host accepts, fed the same corrupted streams;
it also builds for the ATmega328P.
"""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest
from test_link_frames_and_resync import VECTORS

from terry.link import codec
from terry.link import messages as m
from terry.paths import package_file

SOURCES = package_file("firmware", "link")
STREAMS = 20_000
CPP = ("terry_link.cpp", "link_cli.cpp")
GXX = ("g++", "-std=c++11", "-Wall", "-Wextra", "-Werror", "-O2")
AVR_GCC = (
    "avr-gcc",
    "-mmcu=atmega328p",
    "-Os",
    "-std=gnu++11",
    "-fno-exceptions",
    "-Wall",
    "-Werror",
)


@pytest.fixture(scope="module")
def link_cli(tmp_path_factory):
    if shutil.which("g++") is None:
        pytest.skip("g++ is not installed (apt-get install g++)")
    exe = tmp_path_factory.mktemp("firmware") / "link_cli"
    subprocess.run(
        [*GXX, f"-I{SOURCES}", *(str(SOURCES / f) for f in CPP), "-o", str(exe)],
        check=True,
    )

    def run(lines: list[str]) -> list[str]:
        done = subprocess.run(
            [str(exe)], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()

    return run


def decoded(lines: list[str]) -> list[list[tuple[int, int, bytes]]]:
    """The C++ decoder's output, one list of frames per D line."""
    batches, batch = [], []
    for line in lines:
        if line == ".":
            batches.append(batch)
            batch = []
        elif line.startswith("F "):
            _, kind, seq, *payload = line.split(" ")
            batch.append((int(kind), int(seq), bytes.fromhex(payload[0] if payload else "")))
    return batches


def known(frame: codec.Frame) -> bool:
    """What the host accepts: a good CRC, a known type and that type's payload length."""
    try:
        m.decode(frame)
    except ValueError:
        return False
    return True


def test_cpp_encodes_and_decodes_the_documented_vectors(link_cli):
    lines = [f"E {msg.TYPE} {seq} {msg.pack().hex()}" for msg, seq, _ in VECTORS]
    assert link_cli(lines) == [wire.replace(" ", "") for _, _, wire in VECTORS]
    lines = [f"D {wire.replace(' ', '')}" for _, _, wire in VECTORS]
    assert decoded(link_cli(lines)) == [[(msg.TYPE, seq, msg.pack())] for msg, seq, _ in VECTORS]


def test_cpp_and_python_encode_any_frame_alike(link_cli):
    rng = random.Random(7)
    cases = [
        (rng.randrange(256), rng.randrange(256), rng.randbytes(rng.randint(0, codec.MAX_PAYLOAD)))
        for _ in range(5000)
    ]
    got = link_cli([f"E {t} {s} {p.hex()}" for t, s, p in cases])
    assert got == [codec.encode(t, s, p).hex() for t, s, p in cases]


def test_cpp_and_python_accept_the_same_frames_from_corrupted_streams(link_cli):
    rng = random.Random(11)
    streams = []
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
        streams.append(bytes(wire))  # damage 3: left intact
    python = codec.Decoder()
    expected = [
        [(f.type, f.seq, f.payload) for f in python.feed(stream) if known(f)] for stream in streams
    ]
    lines = link_cli([f"D {s.hex()}" for s in streams] + ["C"])
    got = decoded(lines)
    assert got == expected
    # Intact frames after a damaged one that lost its delimiter are lost with it: that is framing.
    assert sum(map(len, got)) > STREAMS // 8, "intact frames were accepted"
    frames, crc_errors, _, _ = map(int, lines[-1].split())
    assert (frames, crc_errors) == (sum(map(len, expected)), python.crc_errors)


def test_link_code_builds_for_the_atmega328p(tmp_path):
    if shutil.which("avr-gcc") is None:
        pytest.skip("avr-gcc is not installed (apt-get install gcc-avr avr-libc)")
    obj = tmp_path / "terry_link.o"
    subprocess.run(
        [*AVR_GCC, "-c", "-x", "c++", str(SOURCES / "terry_link.cpp"), "-o", str(obj)],
        check=True,
    )
    assert obj.stat().st_size > 0
