from __future__ import annotations

from pathlib import Path

import pytest

from mllens.errors import InputError
from mllens.fleet.sources import Source, base_name, expand, is_git_url, named


def test_folders_urls_and_list_files_expand_in_order(tmp_path: Path) -> None:
    for name in ("alpha", "beta", "lists/gamma"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "lists" / "repos.txt").write_text(
        "# the team's repositories\n\ngamma\n  https://example.org/org/delta.git  \n../alpha\n"
    )
    found = expand(["beta", "lists/repos.txt", "git@example.org:org/eps.git"], cwd=tmp_path)
    assert [(s.kind, s.name, s.text) for s in found] == [
        ("folder", "beta", "beta"),
        ("folder", "gamma", "gamma"),
        ("git", "delta", "https://example.org/org/delta.git"),
        ("folder", "alpha", "../alpha"),  # relative to the list file's folder
        ("git", "eps", "git@example.org:org/eps.git"),
    ]
    assert found[1].location == str((tmp_path / "lists" / "gamma").resolve())


def test_a_file_inside_a_list_and_a_missing_path_are_sources_with_a_problem(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a repository\n")
    (tmp_path / "list.txt").write_text("notes.txt\nmissing\n")
    found = expand(["list.txt", "gone"], cwd=tmp_path)
    assert [s.kind for s in found] == ["invalid", "invalid", "invalid"]
    listed = f"(listed in {tmp_path / 'list.txt'})"
    assert found[0].problem == f"notes.txt: is a file, expected a project folder or a git URL {listed}"
    assert found[1].problem is not None and found[1].problem.startswith("missing: does not exist")
    assert found[2].problem == "gone: does not exist, expected a project folder or a git URL"


def test_names_that_clash_get_a_suffix_and_duplicates_are_dropped() -> None:
    sources = [
        Source(text="a/app", kind="folder", location="/a/app"),
        Source(text="b/app", kind="folder", location="/b/app"),
        Source(text="a/app again", kind="folder", location="/a/app"),
        Source(text="https://x.org/c/App.git", kind="git", location="https://x.org/c/App.git"),
        Source(text="fleet", kind="folder", location="/d/fleet"),
    ]
    assert [s.name for s in named(sources)] == ["app", "app-2", "App-3", "fleet-2"]


@pytest.mark.parametrize(
    ("location", "name"),
    [
        ("https://github.com/org/repo.git", "repo"),
        ("https://github.com/org/repo/", "repo"),
        ("git@github.com:org/my repo.git", "my-repo"),
        ("/home/me/projects/fraud detection", "fraud-detection"),
        ("file:///srv/git/.git", "git"),
        ("https://host/$$$", "repository"),
    ],
)
def test_base_name(location: str, name: str) -> None:
    assert base_name(location) == name


@pytest.mark.parametrize(
    ("text", "url"),
    [("https://h/o/r.git", True), ("ssh://git@h/o/r", True), ("git@h:o/r.git", True), ("file:///srv/r.git", True),
     ("./repo", False), ("repo", False), ("C:/repos/x", False)],
)  # fmt: skip
def test_is_git_url(text: str, url: bool) -> None:
    assert is_git_url(text) is url


def test_a_list_that_is_not_text_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "list.bin").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputError, match=r"list\.bin: expected a text file listing one folder or git URL a line"):
        expand(["list.bin"], cwd=tmp_path)
