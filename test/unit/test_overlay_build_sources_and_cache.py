"""tools/overlay/build's choice of sources and cache folder, checked without building anything:
a copy of the script in a temporary clone, stand-in archives and an empty cache."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from fixtures.overlay import REPO

SCRIPT = REPO / "tools" / "overlay" / "build"
INPUTS = ("tools/overlay/build", "tools/overlay/fixes.sh", "tools/apt/nav.txt")
ARCHIVES = sorted(set(re.findall(r"[\w-]+-[0-9a-f]{12}\.tar\.gz", SCRIPT.read_text())))


def fake_archives(folder: Path, content: str = "stand-in", leave_out: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ARCHIVES:
        if name != leave_out:
            (folder / name).write_text(f"{name} {content}")
    return folder


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone holding only the overlay's inputs, with nothing beside it yet."""
    root = tmp_path / "box" / "clone"
    for rel in INPUTS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, root / rel)
    return root


def run(clone: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The script in `clone`, its cache in the temporary folder, no git server, no ROS overlays."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TERRY_THIRDPARTY", "ROS_PACKAGE_PATH", "CMAKE_PREFIX_PATH")
    }
    base["TERRY_CACHE"] = str(clone.parent / "cache")
    base["TERRY_OVERLAY_GIT"] = f"file://{clone.parent}/no-git-here"
    return subprocess.run(
        [str(clone / "tools/overlay/build"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def check(clone: Path, **env: str) -> list[str]:
    done = run(clone, "--check", **env)
    assert done.returncode == 0, done.stderr
    state = done.stdout.split()
    if state[0] == "system":
        pytest.skip("ROS here already has the packages: the overlay is not used")
    return state


def test_print_dir_is_stable_and_in_the_cache(clone):
    fake_archives(clone.parent / "shared" / "thirdparty")
    first, second = (run(clone, "--print-dir") for _ in range(2))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert re.fullmatch(rf"{clone.parent}/cache/overlay-[0-9a-f]{{16}}\n", first.stdout)
    assert not (clone.parent / "cache").exists()  # asking builds and creates nothing


def test_sources_terry_thirdparty_then_shared_beside_the_clone_then_git(clone, tmp_path):
    shared = fake_archives(clone.parent / "shared" / "thirdparty")
    chosen = fake_archives(tmp_path / "chosen", content="other bytes")
    incomplete = fake_archives(tmp_path / "incomplete", leave_out=ARCHIVES[0])

    state, path, source = check(clone, TERRY_THIRDPARTY=str(chosen))
    assert (state, source) == ("absent", str(chosen))
    assert check(clone, TERRY_THIRDPARTY=str(incomplete))[2] == str(shared)
    assert check(clone)[1:] == [check(clone, TERRY_THIRDPARTY=str(shared))[1], str(shared)]
    assert path != check(clone)[1]  # the archives' bytes are part of the key

    shutil.rmtree(shared)
    assert check(clone)[0::2] == ["no-sources", "git"]


def test_every_input_is_part_of_the_key_but_comments_in_the_package_list_are_not(clone):
    fake_archives(clone.parent / "shared" / "thirdparty")
    before = run(clone, "--print-dir").stdout
    nav = clone / "tools/apt/nav.txt"
    nav.write_text(nav.read_text() + "# a comment\n")
    assert run(clone, "--print-dir").stdout == before
    seen = {before}
    for rel, extra in [
        ("tools/apt/nav.txt", "libfoo-dev\n"),
        ("tools/overlay/fixes.sh", "# changed\n"),
        ("tools/overlay/build", "# changed\n"),
        (f"../shared/thirdparty/{ARCHIVES[-1]}", "changed"),
    ]:
        path = clone / rel
        path.write_text(path.read_text() + extra)
        after = run(clone, "--print-dir").stdout
        assert after not in seen, rel
        seen.add(after)


def test_rerun_with_the_overlay_in_the_cache_is_a_fast_no_op(clone):
    fake_archives(clone.parent / "shared" / "thirdparty")
    overlay = Path(run(clone, "--print-dir").stdout.strip())
    overlay.mkdir(parents=True)
    (overlay / "setup.sh").write_text("# built\n")
    assert check(clone)[0] == "built"
    start = time.monotonic()
    done = run(clone)
    assert time.monotonic() - start < 3.0  # about a second; a rebuild would take many minutes
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{overlay}\n"
    assert sorted(p.name for p in overlay.parent.iterdir()) == [overlay.name]


def test_without_sources_one_line_says_how_to_get_them_and_nothing_is_built(clone, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    check(clone, TERRY_THIRDPARTY=str(empty))
    done = run(clone, TERRY_THIRDPARTY=str(empty))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "no sources" in lines[0] and "TERRY_THIRDPARTY" in lines[0]
    assert "shared/thirdparty" in lines[0]
    cache = clone.parent / "cache"
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == []


def test_a_failed_build_leaves_no_overlay_and_no_temporary_folder(clone, tmp_path):
    """Archives that unpack to nothing: the source fixes fail before catkin_make."""
    shared = clone.parent / "shared" / "thirdparty"
    shared.mkdir(parents=True)
    for name in ARCHIVES:
        folder = tmp_path / "empty" / name.rsplit("-", 1)[0]
        folder.mkdir(parents=True)
        subprocess.run(["tar", "-czf", shared / name, "-C", folder.parent, folder.name], check=True)
    check(clone)
    done = run(clone)
    assert done.returncode != 0
    assert "fix no longer applies" in done.stderr
    cache = clone.parent / "cache"
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == []


def test_the_real_overlay_rerun_costs_about_a_second():
    state = subprocess.run([SCRIPT, "--check"], capture_output=True, text=True, check=True).stdout
    if not state.startswith("built "):
        pytest.skip(f"no overlay built on this machine ({state.split()[0]})")
    start = time.monotonic()
    done = subprocess.run([SCRIPT], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == state.split()[1]
    assert elapsed < 3.0, f"{elapsed:.2f} s"
