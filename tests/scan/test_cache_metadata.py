"""Family metadata read back as kept JSON (mllens.scan.cache_metadata): the same document
as the YAML loader gives, errors as before, nothing kept that JSON would change."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from mllens.errors import InputError
from mllens.scan import cache_metadata, registry
from mllens.yamlio import parse_yaml

TEXT = "family: probe\nrules:\n  one: {title: One, confidence: 0.5, maps: [1, 2.5, true, null]}\n"


def _kept(folder: Path) -> list[Path]:
    return sorted((folder / "metadata").glob("*.json")) if (folder / "metadata").exists() else []


def test_a_document_is_kept_and_read_back_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cache_metadata.parsed(TEXT, file="probe.yaml", folder=tmp_path)
    assert first == parse_yaml(TEXT, file="probe.yaml")
    assert len(_kept(tmp_path)) == 1

    def refused(text: str, *, file: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(cache_metadata, "parse_yaml", refused)
    again = cache_metadata.parsed(TEXT, file="probe.yaml", folder=tmp_path)
    assert again == first and type(again["rules"]["one"]["maps"][2]) is bool


def test_another_text_is_parsed_again(tmp_path: Path) -> None:
    cache_metadata.parsed(TEXT, file="probe.yaml", folder=tmp_path)
    edited = TEXT.replace("One", "Two")
    assert cache_metadata.parsed(edited, file="probe.yaml", folder=tmp_path)["rules"]["one"]["title"] == "Two"
    assert len(_kept(tmp_path)) == 2


@pytest.mark.parametrize("text", ["when: 2024-01-02\n", "1: integer key\n"], ids=["date", "integer key"])
def test_what_json_would_change_is_not_kept(tmp_path: Path, text: str) -> None:
    assert cache_metadata.parsed(text, file="probe.yaml", folder=tmp_path) == parse_yaml(text, file="probe.yaml")
    assert _kept(tmp_path) == []


def test_a_malformed_text_raises_as_before_and_is_not_kept(tmp_path: Path) -> None:
    text = "rules:\n  one: 1\n  one: 2\n"
    with pytest.raises(InputError) as before:
        parse_yaml(text, file="probe.yaml")
    with pytest.raises(InputError) as now:
        cache_metadata.parsed(text, file="probe.yaml", folder=tmp_path)
    assert str(now.value) == str(before.value)
    assert _kept(tmp_path) == []


def test_a_damaged_kept_file_is_parsed_again(tmp_path: Path) -> None:
    cache_metadata.parsed(TEXT, file="probe.yaml", folder=tmp_path)
    (kept,) = _kept(tmp_path)
    kept.write_text("{cut")
    assert cache_metadata.parsed(TEXT, file="probe.yaml", folder=tmp_path) == parse_yaml(TEXT, file="probe.yaml")


def test_an_unwritable_folder_only_costs_the_parse(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    assert cache_metadata.parsed(TEXT, file="probe.yaml", folder=blocked) == parse_yaml(TEXT, file="probe.yaml")


def test_the_registered_families_load_the_same_from_kept_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path))
    modules = [importlib.import_module(name) for name in registry.FAMILY_MODULES]
    parsed = [registry.load_family(m).meta for m in modules]
    assert len(_kept(tmp_path)) == len(modules)
    assert [registry.load_family(m).meta for m in modules] == parsed  # read back from tmp_path
