"""rosbridge's `fragment` op: one large frame cut into pieces that the client joins again."""

from __future__ import annotations

from terry.bridge.convert import dumps

MIN_FRAGMENT_SIZE = 1000  # characters: smaller sizes are raised to this (each piece costs ~100)


def fragments(frame: bytes, size: int, frag_id: str) -> tuple[bytes, ...]:
    """`frame` as fragment ops of at most max(size, MIN_FRAGMENT_SIZE) characters of data each."""
    text = frame.decode()
    size = max(size, MIN_FRAGMENT_SIZE)
    parts = [text[i : i + size] for i in range(0, len(text), size)]
    return tuple(
        dumps({"op": "fragment", "id": frag_id, "data": p, "num": n, "total": len(parts)})
        for n, p in enumerate(parts)
    )
