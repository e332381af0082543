"""The detector version remembered by its sources' stats (mllens.scan.cache_version)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from mllens.scan import cache_version

RACY_NS = 200_000_000
HOUR_AGO = time.time() - 3600


def _sources(tmp_path: Path, *, old: bool = True) -> list[str]:
    paths = []
    for name, text in (("a.py", "x = 1\n"), ("b.yaml", "rules: {}\n")):
        path = tmp_path / "src" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        if old:
            os.utime(path, (HOUR_AGO, HOUR_AGO))
        paths.append(str(path))
    if old:
        time.sleep(RACY_NS * 1.5 / 1e9)  # their ctime old enough to trust too
    return [*paths, str(tmp_path / "src" / "missing.py")]


def _version(sources: list[str], folder: Path, head: bytes = b"v1") -> str:
    return cache_version.remembered(head, sources, folder=folder, racy_ns=RACY_NS)


def test_a_remembered_version_is_the_hash_of_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    first = _version(sources, folder)
    assert first == cache_version._hashed(b"v1", sources)
    assert list(json.loads((folder / "detector-versions.json").read_text()).values()) == [first]

    hashed: list[bytes] = []
    real = cache_version._hashed

    def spy(head: bytes, paths: list[str]) -> str:
        hashed.append(head)
        return real(head, paths)

    monkeypatch.setattr(cache_version, "_hashed", spy)
    assert _version(sources, folder) == first and not hashed  # from the stats alone
    assert _version(sources, folder, b"v2") != first and hashed == [b"v2"]  # another head: hashed


def test_an_edited_source_is_hashed_again(tmp_path: Path) -> None:
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    first = _version(sources, folder)
    Path(sources[0]).write_text("x = 2\n")  # same size
    os.utime(sources[0], (HOUR_AGO, HOUR_AGO))  # same mtime: its ctime still tells
    assert _version(sources, folder) == cache_version._hashed(b"v1", sources) != first
    Path(sources[2]).write_text("new = True\n")  # a file that was missing
    assert _version(sources, folder) == cache_version._hashed(b"v1", sources)


def test_sources_changed_a_moment_ago_are_not_remembered(tmp_path: Path) -> None:
    sources, folder = _sources(tmp_path, old=False), tmp_path / "cache"
    assert _version(sources, folder) == cache_version._hashed(b"v1", sources)
    assert not (folder / "detector-versions.json").exists()


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", '{"key": 3}'])
def test_a_damaged_file_is_written_again(tmp_path: Path, damage: str) -> None:
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    folder.mkdir()
    (folder / "detector-versions.json").write_text(damage)
    assert _version(sources, folder) == cache_version._hashed(b"v1", sources)
    assert cache_version._hashed(b"v1", sources) in json.loads((folder / "detector-versions.json").read_text()).values()


def test_only_the_latest_versions_are_kept(tmp_path: Path) -> None:
    sources, folder = _sources(tmp_path), tmp_path / "cache"
    for i in range(cache_version._KEEP + 4):
        _version(sources, folder, f"v{i}".encode())
    kept = json.loads((folder / "detector-versions.json").read_text())
    assert len(kept) == cache_version._KEEP
    assert cache_version._hashed(f"v{cache_version._KEEP + 3}".encode(), sources) in kept.values()
    assert cache_version._hashed(b"v0", sources) not in kept.values()


def test_an_unwritable_folder_only_costs_the_hash(tmp_path: Path) -> None:
    sources = _sources(tmp_path)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert _version(sources, blocked / "cache") == cache_version._hashed(b"v1", sources)
