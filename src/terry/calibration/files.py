"""Where calibration files live and how they are written: small YAML files in
config/calibration/ (not shipped: without one, the URDF's nominal values hold), each with a
header saying what wrote it and when."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import yaml

from terry.paths import package_file


def default_path(name: str) -> Path:
    """config/calibration/<name>.yaml in the package."""
    return Path(package_file("config")) / "calibration" / f"{name}.yaml"


def read(path: str | Path) -> dict[str, Any] | None:
    """The file's mapping, None when there is no file; ValueError naming the file if unreadable."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of names to values, got {data!r}")
    return data


def write(path: str | Path, header: str, data: dict[str, Any]) -> Path:
    """Write `data` under a comment header, atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    text = f"{comment}# written {stamp}\n" + yaml.safe_dump(data, sort_keys=False)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)
    return path
