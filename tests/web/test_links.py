"""Evidence links into the repository by host, and no link where none can be made."""

from __future__ import annotations

import pytest

from mllens.web.links import SourceAt, source_link


@pytest.mark.parametrize(("url", "file", "line", "expected"), [
    ("https://github.com/acme/fraud", "infra/main.tf", 42, "https://github.com/acme/fraud/blob/HEAD/infra/main.tf#L42"),
    ("https://github.com/acme/fraud.git/", "a b.py", None, "https://github.com/acme/fraud/blob/HEAD/a%20b.py"),
    ("https://gitlab.example/g/p", "x.py", 3, "https://gitlab.example/g/p/-/blob/HEAD/x.py#L3"),
    ("https://bitbucket.org/t/r", "x.py", 3, "https://bitbucket.org/t/r/src/HEAD/x.py#lines-3"),
    ("https://github.com/acme/fraud", "src\\win.py", 1, "https://github.com/acme/fraud/blob/HEAD/src/win.py#L1"),
])
def test_links_follow_each_hosts_layout(url: str, file: str, line: int | None, expected: str) -> None:
    assert source_link(url, file, line) == expected


@pytest.mark.parametrize(("url", "file"), [
    (None, "infra/main.tf"), ("", "infra/main.tf"),
    ("https://github.com/a/b", "arn:aws:sagemaker:eu-west-1:1:endpoint/x"),
    ("https://github.com/a/b", "/etc/passwd"), ("https://github.com/a/b", "../outside.py"),
    ("https://github.com/a/b", "a//b.py"), ("https://github.com/a/b", ""),
])
def test_no_link_without_a_url_or_for_a_path_outside_the_repository(url: str | None, file: str) -> None:
    assert source_link(url, file, 1) is None


SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(("url", "line", "expected"), [
    ("https://github.com/acme/fraud", 42, f"https://github.com/acme/fraud/blob/{SHA}/infra/main.tf#L42"),
    ("https://gitlab.example/g/p.git", 3, f"https://gitlab.example/g/p/-/blob/{SHA}/infra/main.tf#L3"),
    ("https://bitbucket.org/t/r", None, f"https://bitbucket.org/t/r/src/{SHA}/infra/main.tf"),
    ("https://dev.azure.com/acme/ml/_git/fraud", 7,
     f"https://dev.azure.com/acme/ml/_git/fraud?path=/infra/main.tf&version=GC{SHA}"
     "&line=7&lineEnd=7&lineStartColumn=1&lineEndColumn=1"),
    ("https://acme.visualstudio.com/ml/_git/fraud/", None,
     f"https://acme.visualstudio.com/ml/_git/fraud?path=/infra/main.tf&version=GC{SHA}"),
])
def test_links_point_at_the_scanned_commit(url: str, line: int | None, expected: str) -> None:
    assert source_link(SourceAt(url, SHA), "infra/main.tf", line) == expected


@pytest.mark.parametrize("commit", [None, "", "main", "abc", "0123456789abcdef; rm -rf"])
def test_without_a_commit_id_links_point_at_the_default_branch(commit: str | None) -> None:
    assert source_link(SourceAt("https://github.com/a/b", commit), "x.py", 1) == "https://github.com/a/b/blob/HEAD/x.py#L1"
    assert source_link(SourceAt("https://dev.azure.com/o/p/_git/r", commit), "x.py", None) == (
        "https://dev.azure.com/o/p/_git/r?path=/x.py")
