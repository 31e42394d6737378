"""One client's outgoing frames: bounded per-subscription queues, throttling, fair ordering.

Every subscription has its own queue (queue_length, or the bridge default; the newest message
only when throttled with queue_length 0); a full queue drops its own oldest frame, so a slow
client loses its own stale data and nothing else. Replies (service responses, requests for
client-side services, status) share a bounded queue of their own and go first. Memory per client
is capped in frames and in bytes (counting each frame's overhead, so that many tiny frames or
fragments cannot hold more memory than the cap says).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

Frame = bytes | tuple[bytes, ...]  # one message, or the fragments of one message
OVERHEAD = 100  # bytes of memory per frame beyond its text (objects, queue slots): counted too


def _size(frame: Frame) -> int:
    if isinstance(frame, bytes):
        return len(frame) + OVERHEAD
    return sum(map(len, frame)) + OVERHEAD * (len(frame) + 1)


@dataclass
class _Queue:
    maxlen: int
    throttle: float = 0.0  # seconds between frames
    next_time: float = 0.0
    frames: deque = field(default_factory=deque)
    scheduled: bool = False  # in the ready list


class Outbox:
    """Frames waiting for one client; not thread-safe (owned by the event loop)."""

    REPLIES = "\0replies"

    def __init__(self, queue_length: int, max_bytes: int) -> None:
        self.default_length = queue_length
        self.max_bytes = max_bytes
        self.bytes = 0
        self.dropped = 0
        self._queues: dict[str, _Queue] = {self.REPLIES: _Queue(maxlen=queue_length)}
        self._ready: deque[str] = deque()

    def configure(self, key: str, throttle_ms: int, queue_length: int) -> None:
        """Create or update the queue of subscription `key`."""
        maxlen = queue_length if queue_length > 0 else 1 if throttle_ms > 0 else self.default_length
        queue = self._queues.get(key)
        if queue is None:
            self._queues[key] = _Queue(maxlen=maxlen, throttle=throttle_ms / 1000.0)
            return
        queue.maxlen, queue.throttle = maxlen, throttle_ms / 1000.0
        while len(queue.frames) > maxlen:
            self._drop(queue)

    def remove(self, key: str) -> None:
        queue = self._queues.pop(key, None)
        if queue is not None:
            self.bytes -= sum(map(_size, queue.frames))

    def push(self, key: str, frame: Frame) -> None:
        """Queue `frame` for subscription `key` (REPLIES for replies)."""
        queue = self._queues.get(key)
        if queue is None:
            return
        if len(queue.frames) >= queue.maxlen:
            self._drop(queue)
        queue.frames.append(frame)
        self.bytes += _size(frame)
        while self.bytes > self.max_bytes and self._drop_largest():
            pass
        if not queue.scheduled and queue.frames:
            queue.scheduled = True
            self._ready.append(key)

    def pop(self, now: float) -> Frame | None:
        """The next frame that may go now, or None."""
        replies = self._queues[self.REPLIES]
        if replies.frames:
            frame = replies.frames.popleft()
            self.bytes -= _size(frame)
            return frame
        for _ in range(len(self._ready)):
            key = self._ready.popleft()
            queue = self._queues.get(key)
            if queue is None or not queue.frames:
                if queue is not None:
                    queue.scheduled = False
                continue
            if queue.throttle and now < queue.next_time:
                self._ready.append(key)
                continue
            frame = queue.frames.popleft()
            self.bytes -= _size(frame)
            if queue.throttle:
                queue.next_time = now + queue.throttle
            if queue.frames:
                self._ready.append(key)
            else:
                queue.scheduled = False
            return frame
        return None

    def next_due(self) -> float | None:
        """When the earliest throttled frame may go (None: nothing is waiting)."""
        times = [
            self._queues[key].next_time
            for key in self._ready
            if key in self._queues and self._queues[key].frames
        ]
        if self._queues[self.REPLIES].frames:
            return 0.0
        return min(times) if times else None

    def pending(self) -> int:
        return sum(len(q.frames) for q in self._queues.values())

    def _drop(self, queue: _Queue) -> None:
        if queue.frames:
            self.bytes -= _size(queue.frames.popleft())
            self.dropped += 1

    def _drop_largest(self) -> bool:
        queue = max(self._queues.values(), key=lambda q: len(q.frames))
        if not queue.frames:
            return False
        self._drop(queue)
        return True
