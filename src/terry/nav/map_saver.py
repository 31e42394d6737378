"""Saving a map: map_server's map_saver run on a map topic, to FILE.yaml and FILE.pgm."""

from __future__ import annotations

import subprocess
from pathlib import Path

TIMEOUT = 60.0  # s: map_saver waits for one map message, then writes


class MapSaveError(RuntimeError):
    """map_saver could not run, or gave up (its own words in the message)."""


def save_map(topic: str, file: str, timeout: float = TIMEOUT) -> Path:
    """Save the next map on `topic` to `file`.yaml/.pgm with map_saver; the .yaml's path."""
    if not file:
        raise MapSaveError("no file to save the map to")
    Path(file).parent.mkdir(parents=True, exist_ok=True)
    argv = ["rosrun", "map_server", "map_saver", "-f", file, f"map:={topic}"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise MapSaveError(f"map_saver heard no map on {topic} in {timeout:.0f} s") from None
    except OSError as error:
        raise MapSaveError(f"map_saver did not start: {error}") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip()[-500:]
        raise MapSaveError(f"map_saver failed (status {done.returncode}): {said}")
    saved = Path(f"{file}.yaml")
    if not saved.exists():
        raise MapSaveError(f"map_saver said nothing wrong but wrote no {saved}")
    return saved
