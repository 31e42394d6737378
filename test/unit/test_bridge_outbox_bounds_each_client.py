"""A client's outgoing queue (no ROS needed): bounded per subscription and in bytes, oldest
dropped first, replies ahead of data, throttled subscriptions spaced, fair between topics."""

from __future__ import annotations

from terry.bridge.outbox import OVERHEAD, Outbox


def drain(outbox: Outbox, now: float = 0.0) -> list[bytes]:
    frames = []
    while (frame := outbox.pop(now)) is not None:
        frames.append(frame)
    return frames


def test_a_full_subscription_queue_drops_its_own_oldest_frames():
    outbox = Outbox(queue_length=3, max_bytes=10_000)
    outbox.configure("/a", throttle_ms=0, queue_length=0)
    outbox.configure("/b", throttle_ms=0, queue_length=0)
    for i in range(10):
        outbox.push("/a", b"a%d" % i)
    outbox.push("/b", b"b0")
    assert sorted(drain(outbox)) == [b"a7", b"a8", b"a9", b"b0"]
    assert outbox.dropped == 7


def test_queue_length_overrides_the_default_bound():
    outbox = Outbox(queue_length=3, max_bytes=10_000)
    outbox.configure("/a", throttle_ms=0, queue_length=5)
    for i in range(10):
        outbox.push("/a", b"%d" % i)
    assert drain(outbox) == [b"5", b"6", b"7", b"8", b"9"]


def test_bytes_are_capped_across_subscriptions():
    outbox = Outbox(queue_length=1000, max_bytes=1000)
    outbox.configure("/a", throttle_ms=0, queue_length=0)
    for _ in range(100):
        outbox.push("/a", b"x" * 100)
    assert outbox.bytes <= 1000
    assert len(drain(outbox)) == 1000 // (100 + OVERHEAD)


def test_many_tiny_fragments_count_their_overhead():
    outbox = Outbox(queue_length=1000, max_bytes=100_000)
    outbox.configure("/a", throttle_ms=0, queue_length=0)
    outbox.push("/a", tuple(b"x" for _ in range(500)))
    assert outbox.bytes >= 500 * OVERHEAD
    outbox.push("/a", tuple(b"x" for _ in range(2000)))  # alone over the cap: dropped
    assert outbox.bytes <= 100_000


def test_replies_go_before_data_and_topics_take_turns():
    outbox = Outbox(queue_length=10, max_bytes=10_000)
    outbox.configure("/a", throttle_ms=0, queue_length=0)
    outbox.configure("/b", throttle_ms=0, queue_length=0)
    for i in range(3):
        outbox.push("/a", b"a%d" % i)
    outbox.push("/b", b"b0")
    outbox.push(Outbox.REPLIES, b"reply")
    assert drain(outbox) == [b"reply", b"a0", b"b0", b"a1", b"a2"]


def test_a_throttled_subscription_sends_the_newest_frame_once_per_interval():
    outbox = Outbox(queue_length=10, max_bytes=10_000)
    outbox.configure("/a", throttle_ms=500, queue_length=0)
    outbox.push("/a", b"0")
    assert drain(outbox, now=0.0) == [b"0"]
    for i in range(1, 5):
        outbox.push("/a", b"%d" % i)
    assert drain(outbox, now=0.2) == []
    assert outbox.next_due() == 0.5
    assert drain(outbox, now=0.5) == [b"4"]


def test_removing_a_subscription_frees_its_frames():
    outbox = Outbox(queue_length=10, max_bytes=10_000)
    outbox.configure("/a", throttle_ms=0, queue_length=0)
    outbox.push("/a", b"12345")
    outbox.remove("/a")
    assert outbox.bytes == 0
    assert drain(outbox) == []
