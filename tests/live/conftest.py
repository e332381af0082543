"""A moto account in-process for the live-reader tests (no network, no real credentials)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

REGION = "us-east-1"


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A boto3 session on a moto account (SageMaker, Application Auto Scaling, CloudWatch)."""
    moto = pytest.importorskip("moto")
    import boto3

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with moto.mock_aws():
        yield boto3.Session(region_name=REGION)
