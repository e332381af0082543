"""Evidence links into the repository by host, and no link where none can be made."""

from __future__ import annotations

import pytest

from mllens.web.links import source_link


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
