"""_iac.broad_grant over normalised statements: the general cases of a grant too broad to be
least privilege (any action, a service's every action on all its resources, PassRole on
every role, NotAction on everything)."""

from __future__ import annotations

import pytest

from mllens.scan.detectors._iac import broad_grant, covers_service, wildcard_actions


@pytest.mark.parametrize(("resource", "service", "covers"), [
    ("*", "s3", True),
    ("arn:aws:s3:::*", "s3", True),
    ("arn:aws:s3:::*/*", "s3", True),
    ("arn:aws:sagemaker:eu-west-1:123456789012:*", "sagemaker", True),
    ("arn:*:*:*:*:*", "dynamodb", True),
    ("arn:aws:s3:::*", "sagemaker", False),
    ("arn:aws:s3:::acme-data/*", "s3", False),
    ("arn:aws:sagemaker:eu-west-1:123456789012:endpoint/*", "sagemaker", False),
])
def test_a_resource_covers_a_service_only_when_its_resource_part_is_all_wildcards(
        resource: str, service: str, covers: bool) -> None:
    assert covers_service(resource, service) is covers


def test_broad_grants_and_their_reasons() -> None:
    star = broad_grant(effect="Allow", actions=["*"], resources=["arn:aws:s3:::acme"])
    assert star is not None and star.actions == ("*",)
    s3 = broad_grant(effect="Allow", actions=["s3:GetObject", "S3:*"], resources=["arn:aws:s3:::*"])
    assert s3 is not None and s3.actions == ("S3:*",)
    passing = broad_grant(effect="Allow", actions=["iam:Pass*"], resources=["arn:aws:iam::1:role/*"])
    assert passing is not None and "PassRole" in passing.reason
    not_action = broad_grant(effect="Allow", actions=[], not_actions=["iam:*"], resources=["*"])
    assert not_action is not None and not_action.actions == ("iam:*",)


def test_scoped_and_deny_statements_are_not_broad() -> None:
    assert broad_grant(effect="Allow", actions=["s3:*"], resources=["arn:aws:s3:::acme/*"]) is None
    assert broad_grant(effect="Allow", actions=["iam:PassRole"], resources=["arn:aws:iam::1:role/train"]) is None
    assert broad_grant(effect="Deny", actions=["*"], resources=["*"]) is None
    assert broad_grant(effect="Allow", actions=[], not_actions=["s3:*"], resources=["arn:aws:s3:::acme"]) is None
    assert wildcard_actions(effect="Allow", actions=["s3:Get*", "s3:PutObject"]) == ("s3:Get*",)
    assert wildcard_actions(effect="Deny", actions=["s3:*"]) == ()
