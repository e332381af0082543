"""Scanner tests never touch the user's cache."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _big_files() -> None:
    """Data files too large to commit, made before any scan (see bigfiles.py)."""
    from bigfiles import make_big_files

    make_big_files()


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("mllens-cache")
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(path))
    return path
