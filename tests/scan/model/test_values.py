"""Values of the model: what kind of value, and whether a setting is on."""

from __future__ import annotations

from mllens.scan.detectors._iac import MISSING
from mllens.scan.model import Value


def _value(raw: object) -> Value:
    return Value(raw, "main.tf", 3, "setting")


def test_the_kind_of_a_value_follows_the_iac_classification() -> None:
    assert _value("arn:aws:kms:k").kind == "literal"
    assert _value("${var.key}").kind == "reference"
    assert _value({"Ref": "Key"}).kind == "reference"
    assert _value("").kind == "blank" and _value("").written and _value("").unset
    absent = Value.absent("main.tf", 1, "kms_key_arn")
    assert absent.kind == "absent" and not absent.written and absent.unset and absent.line == 1


def test_a_setting_is_on_when_a_flag_says_true_or_its_block_is_written() -> None:
    assert _value(True).on() and _value("true").on() and _value([{"days": 1}]).on() and _value({"Mode": "x"}).on()
    assert not _value(False).on() and not _value("Disabled").on() and not _value(MISSING).on()
    assert not _value("${var.lock}").on() and not _value({"Ref": "Lock"}).on()  # unknown until deployed
    assert _value(True).shown() == "true"
