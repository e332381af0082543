from __future__ import annotations

from pathlib import Path

import pytest
from fleetrepos import MakeRepo, commit, git

from mllens.fleet.git import GitError, checkout_remote, clone_folder, head_commit, remote_head


def test_head_commit_of_a_repository_and_none_elsewhere(make_repo: MakeRepo) -> None:
    repo = make_repo("app")
    assert head_commit(repo) == git(repo, "rev-parse", "HEAD")
    (repo / "sub").mkdir()
    assert head_commit(repo / "sub") is None  # inside a repository, not one of its own
    assert head_commit(make_repo("plain", git_repo=False)) is None


def test_head_commit_of_a_repository_without_commits_is_none(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    git(tmp_path / "empty", "init", "-q")
    assert head_commit(tmp_path / "empty") is None


def test_a_remote_is_cloned_shallow_then_fetched_not_cloned_again(make_repo: MakeRepo, tmp_path: Path) -> None:
    origin = make_repo("origin")
    commit(origin, {"second.py": "x = 2\n"})
    url = f"file://{origin}"
    dest = clone_folder(tmp_path / "clones", url)
    assert dest.name.startswith("origin-")
    checkout_remote(url, dest)
    assert head_commit(dest) == git(origin, "rev-parse", "HEAD")
    assert git(dest, "rev-list", "--count", "HEAD") == "1"  # shallow: one commit of two
    marker = dest / ".git" / "kept-by-fetch"
    marker.write_text("")
    (dest / "stray.txt").write_text("left by someone")
    newest = commit(origin, {"third.py": "x = 3\n"})
    checkout_remote(url, dest)
    assert head_commit(dest) == newest
    assert (dest / "third.py").is_file()
    assert marker.exists()  # the same clone, fetched
    assert not (dest / "stray.txt").exists()  # the clone is the commit, nothing else


def test_a_bad_url_is_a_git_error_with_gits_reason(tmp_path: Path) -> None:
    url = f"file://{tmp_path}/nowhere.git"
    reason = r"nowhere\.git: git clone failed: fatal: .*does not appear to be a git repository"
    with pytest.raises(GitError, match=reason):
        checkout_remote(url, clone_folder(tmp_path / "clones", url))
    assert list((tmp_path / "clones").iterdir()) == []  # no half clone left behind


def test_two_urls_of_the_same_name_get_two_clone_folders(tmp_path: Path) -> None:
    one = clone_folder(tmp_path, "https://a.example/org/app.git")
    two = clone_folder(tmp_path, "https://b.example/org/app.git")
    assert one != two and one.name.startswith("app-") and two.name.startswith("app-")


def test_remote_head_asks_the_server_and_is_none_when_it_cannot(make_repo: MakeRepo, tmp_path: Path) -> None:
    origin = make_repo("origin")
    assert remote_head(f"file://{origin}") == git(origin, "rev-parse", "HEAD")
    assert remote_head(f"file://{tmp_path}/nowhere.git") is None
