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


def test_a_resolved_reference_is_judged_once_per_distinct_value() -> None:
    from mllens.scan.model.values import Origin, Switch

    staging = Value(1, "envs/staging.tfvars", 1, "count", ref="var.n", read_at="main.tf:3",
                    origins=(Origin("staging", "envs/staging.tfvars", 1),))
    prod = Value(2, "envs/prod.tfvars", 2, "count", ref="var.n", read_at="main.tf:3",
                 origins=(Origin("prod", "envs/prod.tfvars", 2), Origin("qa", "envs/prod.tfvars", 2)))
    ref = Value("${var.n}", "main.tf", 3, "count", resolutions=(staging, prod))
    assert ref.kind == "reference" and ref.each() == (staging, prod)
    assert staging.note == " in staging [var.n, read at main.tf:3]" and staging.trust == 1.0
    assert prod.note == " in prod, qa [var.n, read at main.tf:3]" and prod.envs == ("prod", "qa")
    default = Value(1, "variables.tf", 4, "count", ref="var.n", read_at="main.tf:3",
                    origins=(Origin("", "variables.tf", 4, default=True),))
    assert default.note == " [default of var.n, read at main.tf:3]" and default.trust < 1.0
    literal = _value(2)
    assert literal.each() == (literal,) and literal.note == "" and literal.trust == 1.0
    switch = Switch(ref, ("Disabled",))
    assert [s.value for s in switch.each()] == [staging, prod] and all(s.safe == ("Disabled",) for s in switch.each())
    assert list(Switch(literal, ("x",)).each()) == [Switch(literal, ("x",))]


def test_evidence_given_a_resolved_value_carries_its_note_and_trust() -> None:
    from mllens.scan.context import FileContext, ParsedFile
    from mllens.scan.model.values import Origin
    from mllens.scan.registry import families

    rule = next(r for f in families() if f.name == "ml_resources" for r in f.rules
                if r.id == "ml_resources.serving_instance_count")
    ctx = FileContext(rule, file=ParsedFile("main.tf", "terraform", "", {}))
    assert ctx.given(_value(2)) is ctx  # nothing to add
    default = Value(1, "variables.tf", 4, "count", ref="var.n", read_at="main.tf:3",
                    origins=(Origin("", "variables.tf", 4, default=True),))
    ctx.given(default).contradicts(line=3, message="one instance")  # placed where the value is set
    ctx.given(default).supports(line=3, message="two", confidence=0.5)
    assert [(e.outcome, e.file, e.line, e.message, e.confidence) for e in ctx.evidence] == [
        ("contradicts", "variables.tf", 4, "one instance [default of var.n, read at main.tf:3]",
         round(rule.meta.confidence * 0.9, 2)),
        ("supports", "variables.tf", 4, "two [default of var.n, read at main.tf:3]", 0.45),
    ]
