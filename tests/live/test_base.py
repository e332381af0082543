"""The live-reader registry: one reader per cloud, an unknown one a usage error."""

from __future__ import annotations

import pytest

from mllens.errors import InputError
from mllens.live.aws_sagemaker import AwsSageMakerReader
from mllens.live.base import READERS, reader_for


def test_aws_is_the_sagemaker_reader() -> None:
    assert isinstance(reader_for("aws"), AwsSageMakerReader)
    assert reader_for("AWS").name == "aws"


def test_an_unknown_cloud_names_the_known_ones() -> None:
    with pytest.raises(InputError) as raised:
        reader_for("gcp")
    assert str(raised.value) == f"--live: expected a live account provider, one of {', '.join(sorted(READERS))}; " \
                                "got 'gcp'"
