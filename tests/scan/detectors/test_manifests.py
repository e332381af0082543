"""Direct URL requirements: each one that floats is named so a reader can tell it apart,
and one fixed to a commit is not reported."""

from __future__ import annotations

import pytest

from mllens.scan.detectors._manifests import loose_requirements, url_label
from mllens.scan.parse.requirements import parse_requirements


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("git+https://github.com/microsoft/AzureML-Observability#subdirectory=aml-obs-client",
         "AzureML-Observability/aml-obs-client"),
        ("git+https://github.com/acme/tools.git@v1.2#egg=acme-tools", "acme-tools"),
        ("git+https://github.com/acme/tools.git@main", "tools"),
        ("https://files.example.org/pkgs/thing-1.0.tar.gz", "thing-1.0.tar.gz"),
    ],
)
def test_url_label_names_the_package_not_a_truncated_fragment(raw: str, label: str) -> None:
    assert url_label(raw) == label


def test_two_subdirectories_of_one_repository_are_told_apart() -> None:
    text = (
        "git+https://github.com/microsoft/AzureML-Observability#subdirectory=aml-obs-client\n"
        "git+https://github.com/microsoft/AzureML-Observability#subdirectory=aml-obs-collector\n"
        "git+https://github.com/acme/tools@0123456789abcdef0123456789abcdef01234567\n"
    )
    loose, total = loose_requirements(parse_requirements(text))
    assert total == 3
    assert [item.show() for item in loose] == [
        "AzureML-Observability/aml-obs-client (URL without a commit or hash)",
        "AzureML-Observability/aml-obs-collector (URL without a commit or hash)",
    ]
    assert [item.line for item in loose] == [1, 2]
