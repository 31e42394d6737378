"""Frames on the wire: COBS-encoded body followed by a 0x00 delimiter.

body = type (u8) | seq (u8) | payload (0..MAX_PAYLOAD bytes) | CRC-16/CCITT-FALSE (u16, big-endian)
over type, seq and payload. The streaming Decoder resynchronises on the next 0x00 after garbage.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass

DELIMITER = 0x00
MAX_PAYLOAD = 32
MAX_BODY = 2 + MAX_PAYLOAD + 2
MAX_ENCODED = MAX_BODY + 1 + MAX_BODY // 254  # COBS adds one code byte per 254 data bytes


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor."""
    return binascii.crc_hqx(data, 0xFFFF)


def cobs_encode(data: bytes) -> bytes:
    """Consistent overhead byte stuffing: the result holds no 0x00."""
    out = bytearray()
    code_at, code = 0, 1
    out.append(0)
    for byte in data:
        if byte == 0:
            out[code_at] = code
            code_at, code = len(out), 1
            out.append(0)
            continue
        out.append(byte)
        code += 1
        if code == 0xFF:
            out[code_at] = code
            code_at, code = len(out), 1
            out.append(0)
    out[code_at] = code
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    """Inverse of cobs_encode; ValueError on a malformed block."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        code = data[i]
        if code == 0 or i + code > n:
            raise ValueError("COBS block runs past the frame")
        block = data[i + 1 : i + code]
        if 0 in block:
            raise ValueError("zero inside a COBS block")
        out += block
        i += code
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes


def encode(frame_type: int, seq: int, payload: bytes = b"") -> bytes:
    """The bytes on the wire for one frame, delimiter included."""
    if not 0 <= frame_type <= 0xFF or not 0 <= seq <= 0xFF:
        raise ValueError(f"type and seq must be bytes, got {frame_type}, {seq}")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    body = bytes((frame_type, seq)) + payload
    body += crc16(body).to_bytes(2, "big")
    return cobs_encode(body) + b"\x00"


class Decoder:
    """Streaming decoder: feed() any bytes, get the good frames; bad ones are counted, dropped."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._overflow = False
        self.frames = 0
        self.crc_errors = 0
        self.framing_errors = 0
        self.dropped_bytes = 0

    def feed(self, data: bytes) -> list[Frame]:
        frames = []
        for byte in data:
            if byte != DELIMITER:
                if len(self._buf) < MAX_ENCODED:
                    self._buf.append(byte)
                else:
                    self._overflow = True
                    self.dropped_bytes += 1
                continue
            frame = self._finish()
            if frame is not None:
                frames.append(frame)
        return frames

    def _finish(self) -> Frame | None:
        raw, overflow = bytes(self._buf), self._overflow
        self._buf.clear()
        self._overflow = False
        if not raw:
            return None  # back-to-back delimiters: a sender's resync, not an error
        if overflow:
            self.framing_errors += 1
            self.dropped_bytes += len(raw)
            return None
        try:
            body = cobs_decode(raw)
        except ValueError:
            self.framing_errors += 1
            self.dropped_bytes += len(raw)
            return None
        if len(body) < 4:
            self.framing_errors += 1
            self.dropped_bytes += len(raw)
            return None
        if crc16(body[:-2]) != int.from_bytes(body[-2:], "big"):
            self.crc_errors += 1
            self.dropped_bytes += len(raw)
            return None
        self.frames += 1
        return Frame(body[0], body[1], body[2:-2])
