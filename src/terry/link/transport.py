"""The host end of a link: a pyserial port (a name or a /dev/serial/by-id path), the version
handshake, heartbeats, and a supervisor thread that reopens the port after an unplug.

One lifecycle for every board: CONNECTING (never up yet) -> UP (handshake done) -> LOST (port
gone, board silent or reset) -> UP ... `start()` starts the supervisor (the constructor never
does); on_up() runs on the link's thread after each handshake, before the board's first message
is delivered and before `up` turns true (the place to configure a fresh board: send() works in
it, and no other thread sees the link up until it returns), and on_lost(reason) when an UP link
drops.
When the host has sent nothing for HEARTBEAT seconds the link sends keepalive()'s message (a
board's latest command, which feeds its watchdog) or, if that is None, a Heartbeat.
Errors name the likely cause (wrong baud, wrong firmware, old protocol, sketch not running)
in `last_error` and in the log ("terry.link"). (Over 300 lines: the handshake, the supervisor
and the lifecycle share the port and its lock; split, each would reach into the others.)
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import serial

from terry.link import codec
from terry.link import messages as m

log = logging.getLogger("terry.link")
HEARTBEAT = 0.1  # s of host silence before the transport sends a Heartbeat
HANDSHAKE_TIMEOUT = 2.5  # s to wait for a HelloReply: an Uno resets on open, its bootloader ~1 s
HELLO_REPEAT = 0.25  # s between Hellos while waiting (the bootloader eats the first ones)
SILENCE_LIMIT = 1.0  # s without any frame from the board before the link counts as lost
RETRY = 0.5  # s between attempts to reopen the port
WRITE_TIMEOUT = 0.1  # s: a board that stops reading (hung) must not block the host's writes
LOW_RAM = 200  # bytes; less free RAM on the board is reported as a likely cause of trouble
CONNECTING, UP, LOST = "connecting", "up", "lost"


@dataclass
class LinkHealth:
    """Counters for /diagnostics."""

    state: str = CONNECTING
    frames_in: int = 0
    frames_out: int = 0
    crc_errors: int = 0
    framing_errors: int = 0
    dropped_bytes: int = 0
    lost_frames: int = 0  # gaps in the board's sequence numbers
    nacks: int = 0
    reconnects: int = 0
    last_heard: float | None = None  # time.monotonic() of the last good frame
    last_error: str = ""
    board: m.HelloReply | None = None
    board_status: m.Status | None = None

    def values(self, now: float | None = None) -> dict[str, str]:
        """Key/value pairs for a diagnostic_msgs/DiagnosticStatus."""
        now = time.monotonic() if now is None else now
        heard = "never" if self.last_heard is None else f"{now - self.last_heard:.2f} s ago"
        out = {
            "state": self.state,
            "board": describe(self.board),
            "frames in": str(self.frames_in),
            "frames out": str(self.frames_out),
            "CRC errors": str(self.crc_errors),
            "framing errors": str(self.framing_errors),
            "dropped bytes": str(self.dropped_bytes),
            "lost frames": str(self.lost_frames),
            "refused commands": str(self.nacks),
            "reconnects": str(self.reconnects),
            "last heard": heard,
            "last error": self.last_error,
        }
        if self.board_status is not None:
            out["board CRC errors"] = str(self.board_status.rx_crc_errors)
            out["board dropped bytes"] = str(self.board_status.rx_dropped)
            out["board free RAM"] = f"{self.board_status.free_ram} B"
        return out


class HandshakeError(Exception):
    pass


def _nothing(*_args: object) -> None:
    pass


class Link:
    """A supervised serial link to one board; the callbacks run on the link's thread."""

    def __init__(
        self,
        port: str,
        baud: int,
        firmware: int,
        on_message: Callable[[m.Message], None],
        on_up: Callable[[], None] = _nothing,
        on_lost: Callable[[str], None] = _nothing,
        keepalive: Callable[[], m.Message | None] = lambda: None,
    ) -> None:
        if not port:
            raise ValueError("no serial port given")
        if not (isinstance(baud, int) and baud > 0):
            raise ValueError(f"baud must be a positive integer, got {baud!r}")
        self.port, self.baud, self.firmware = port, baud, firmware
        self.health = LinkHealth()
        self._on_message, self._on_up, self._on_lost = on_message, on_up, on_lost
        self._keepalive = keepalive
        self._serial: serial.SerialBase | None = None
        self._write_lock = threading.Lock()
        self._seq = 0
        self._last_sent = 0.0
        self._board_seq: int | None = None
        self._decoder = codec.Decoder()
        self._rejected = 0  # frames with a good CRC but an unknown type or a wrong length
        self._stop = threading.Event()
        self._open = threading.Event()  # handshake done: send() works
        self._up = threading.Event()  # ... and on_up() has run
        self._thread: threading.Thread | None = None

    def start(self) -> Link:
        """Start the supervisor thread: it connects, and reconnects after every loss."""
        if self._thread is not None:
            raise RuntimeError(f"link {self.port} already started")
        self._thread = threading.Thread(target=self._supervise, name=f"link {self.port}")
        self._thread.daemon = True
        self._thread.start()
        return self

    @property
    def up(self) -> bool:
        return self._up.is_set()

    def wait_up(self, timeout: float) -> bool:
        return self._up.wait(timeout)

    # -- sending -----------------------------------------------------------------------------
    def send(self, message: m.Message) -> int | None:
        """Send one message; its sequence number, or None (nothing sent) while not up."""
        return self._write(message) if self._open.is_set() else None

    def _write(self, message: m.Message) -> int | None:
        with self._write_lock:
            port = self._serial
            if port is None:
                return None
            self._seq = (self._seq + 1) & 0xFF
            try:
                port.write(codec.encode(message.TYPE, self._seq, message.pack()))
            except (serial.SerialException, OSError) as error:
                self._note_error(f"write to {self.port} failed: {error}")
                return None
            self._last_sent = time.monotonic()
            self.health.frames_out += 1
            return self._seq

    # -- the supervisor ----------------------------------------------------------------------
    def _supervise(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                self._serial = serial.Serial(
                    self.port, self.baud, timeout=0.02, write_timeout=WRITE_TIMEOUT, exclusive=True
                )
            except (serial.SerialException, OSError, ValueError) as error:
                self._note_error(
                    f"cannot open {self.port}: {error} "
                    "(unplugged, wrong port, or held by another program?)"
                )
                self._stop.wait(RETRY)
                continue
            try:
                self._handshake()
                if not first:
                    self.health.reconnects += 1
                first = False
                self.health.state, self.health.last_error = UP, ""
                log.info("link %s: %s", self.port, describe(self.health.board))
                self._open.set()
                self._on_up()
                self._up.set()
                self._run()
            except HandshakeError as error:
                self._note_error(str(error))
            except (serial.SerialException, OSError) as error:
                self._note_error(f"{self.port} lost: {error} (unplugged or reset?)")
            except Exception as error:  # a bug must not end the supervisor: log it and retry
                log.exception("link %s: unexpected error", self.port)
                self._note_error(f"{self.port}: unexpected error {error!r}")
            finally:
                self._open.clear()
                self._close_port()
            if self.health.state == UP:  # handshake done (on_up may have failed half-way)
                self._up.clear()
                self.health.state = LOST
                self._lost(self.health.last_error or "closed")
            self._stop.wait(RETRY)

    def _lost(self, reason: str) -> None:
        try:
            self._on_lost(reason)
        except Exception:  # the supervisor must outlive its callbacks
            log.exception("link %s: on_lost failed", self.port)

    def _close_port(self) -> None:
        with self._write_lock:
            port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()

    def _handshake(self) -> None:
        self._check_board(self._exchange_hello(HANDSHAKE_TIMEOUT))

    def _exchange_hello(self, timeout: float) -> m.HelloReply:
        """Send Hellos until the board's HelloReply (returned as it is); HandshakeError naming
        the likely cause when none comes within timeout."""
        port = self._serial
        assert port is not None
        port.reset_input_buffer()
        port.write(b"\x00")  # ends whatever partial frame the board holds
        self._board_seq = None
        before = (self._decoder.crc_errors, self._decoder.framing_errors)
        received = 0
        deadline = time.monotonic() + timeout
        next_hello = 0.0
        while time.monotonic() < deadline and not self._stop.is_set():
            if time.monotonic() >= next_hello:
                self._write(m.Hello(m.PROTOCOL_VERSION, self.baud))
                next_hello = time.monotonic() + HELLO_REPEAT
            data = _read_available(port)
            received += len(data)
            for message in self._messages(data):
                if isinstance(message, m.HelloReply):
                    return message
        errors = (self._decoder.crc_errors - before[0], self._decoder.framing_errors - before[1])
        if received == 0:
            cause = (
                "the board sent nothing: is the sketch running (crashed, or still in the "
                "bootloader), is this the right port, and is anything else holding it?"
            )
        else:
            cause = (
                f"{received} bytes arrived but no hello reply ({errors[0]} CRC errors, "
                f"{errors[1]} framing errors): likely a wrong baud (host {self.baud}), or "
                "firmware that does not speak Terry's link protocol"
            )
        raise HandshakeError(f"no handshake on {self.port}: {cause}")

    def _check_board(self, reply: m.HelloReply) -> None:
        self.health.board = reply
        if reply.protocol != m.PROTOCOL_VERSION:
            older = "board's firmware is older" if reply.protocol < m.PROTOCOL_VERSION else "host"
            raise HandshakeError(
                f"{self.port} speaks link protocol v{reply.protocol}, the host v"
                f"{m.PROTOCOL_VERSION}: the {older}; update it (reflash or update Terry)"
            )
        if reply.firmware != self.firmware:
            raise HandshakeError(
                f"{self.port} runs the {m.FIRMWARE_NAMES.get(reply.firmware, reply.firmware)} "
                f"firmware, expected {m.FIRMWARE_NAMES.get(self.firmware, self.firmware)}: "
                "wrong port (use /dev/serial/by-id names) or wrong sketch flashed"
            )
        if reply.baud != self.baud:
            log.warning(
                "link %s: board runs at %d baud, host opened %d", self.port, reply.baud, self.baud
            )
        if reply.free_ram < LOW_RAM:
            log.warning("link %s: board has only %d bytes of free RAM", self.port, reply.free_ram)

    def _run(self) -> None:
        port = self._serial
        assert port is not None
        while not self._stop.is_set():
            data = _read_available(port)
            for message in self._messages(data):
                if isinstance(message, m.Status):
                    self.health.board_status = message
                elif isinstance(message, m.Ack) and message.status != m.ACK_OK:
                    self.health.nacks += 1
                    self._note_error(
                        f"board refused frame {message.seq} (type 0x{message.type:02x}): "
                        f"{m.ACK_REASONS.get(message.status, message.status)}",
                        level=logging.INFO,
                    )
                self._on_message(message)
            now = time.monotonic()
            heard = self.health.last_heard or 0.0
            if now - heard > SILENCE_LIMIT:
                raise serial.SerialException(f"board silent for {now - heard:.1f} s")
            if now - self._last_sent > HEARTBEAT:
                self._write(self._keepalive() or m.Heartbeat())

    def _messages(self, data: bytes) -> list[m.Message]:
        messages = []
        for frame in self._decoder.feed(data):
            try:
                message = m.decode(frame)
            except ValueError as error:
                self._rejected += 1
                log.debug("link %s: %s", self.port, error)
                continue
            if self._board_seq is not None:
                self.health.lost_frames += (frame.seq - self._board_seq - 1) & 0xFF
            self._board_seq = frame.seq
            self.health.frames_in += 1
            self.health.last_heard = time.monotonic()
            messages.append(message)
        d = self._decoder
        self.health.crc_errors, self.health.dropped_bytes = d.crc_errors, d.dropped_bytes
        self.health.framing_errors = d.framing_errors + self._rejected
        return messages

    def _note_error(self, text: str, level: int = logging.WARNING) -> None:
        if text != self.health.last_error:
            log.log(level, "link: %s", text)
        self.health.last_error = text

    def close(self) -> None:
        """Stop the supervisor and close the port (on_lost runs if the link was up)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._close_port()


def probe(port: str, baud: int = 115200, timeout: float = HANDSHAKE_TIMEOUT) -> m.HelloReply:
    """One handshake on `port`, then close it: the board's HelloReply, not judged (any protocol
    or firmware). serial.SerialException when the port cannot be opened (missing, no permission,
    held by another program); HandshakeError naming the likely cause when no board answers."""
    link = Link(port, baud, firmware=0, on_message=_nothing)
    link._serial = serial.Serial(
        port, baud, timeout=0.02, write_timeout=WRITE_TIMEOUT, exclusive=True
    )
    try:
        return link._exchange_hello(timeout)
    finally:
        link._close_port()


def _read_available(port: serial.SerialBase) -> bytes:
    """Whatever has arrived, waiting up to the port's timeout for the first byte."""
    data = port.read(1)
    waiting = port.in_waiting if data else 0
    return data + port.read(waiting) if waiting else data


def describe(board: m.HelloReply | None) -> str:
    if board is None:
        return "no board"
    name = m.FIRMWARE_NAMES.get(board.firmware, f"unknown firmware {board.firmware}")
    return (
        f"{name} firmware v{board.firmware_version}, protocol v{board.protocol}, "
        f"{board.baud} baud, {board.free_ram} B free RAM"
    )
