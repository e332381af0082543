"""AWS custom-lens JSON: export, import, fold, and byte-identical round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mllens.errors import InputError, LensError
from mllens.lens import load_lens, load_shipped_lens
from mllens.lens.dump import write_lens
from mllens.lens.model import (
    Check,
    HelpfulText,
    ImprovementStep,
    Lens,
    NoneChoice,
    Pillar,
    Practice,
    Question,
    Resource,
    RiskRule,
    StackNotes,
)
from mllens.lens.wa_format import export_lens, import_lens, read_lens_json
from mllens.lens.wa_import import lens_id_for
from mllens.lens.wa_text import WHY_MARK, help_text, plan_text, read_plan, read_stack_text, split_help, stack_text

DOCS = "https://docs.example.org/lens"


def make_lens(questions: dict[str, list[Question]], *, pillars: list[Pillar] | None = None) -> Lens:
    pillars = pillars or [Pillar(id=pid, name=pid.replace("_", " ").title()) for pid in questions]
    for pillar_id, qs in questions.items():
        for q in qs:
            q._pillar = pillar_id
    return Lens(
        id="small",
        name="Small lens",
        version="1",
        description="A small lens built by the tests",
        pillars=pillars,
        questions=[q for qs in questions.values() for q in qs],
    )


def practice(pid: str, title: str, **kw: Any) -> Practice:
    return Practice(id=pid, title=title, **kw)


def encrypt_question() -> Question:
    return Question(
        id="DATA01",
        phase="data_processing",
        title="How do you protect training data?",
        description="Training data often holds personal records.",
        helpful_resource=Resource(title="Data protection guide", url=f"{DOCS}/data"),
        choices=[
            practice(
                "DATA01-BP01",
                "Encrypt training data at rest",
                risk_if_missing="high",
                description="Use customer-managed keys for buckets and volumes.",
                why="Copies of training data outlive the systems that made them.",
                checks=[Check(id="kms", kind="automated", text="Buckets use KMS keys", evidence="iac")],
                improvement=[
                    ImprovementStep(
                        text="Create a key with rotation", stacks=StackNotes(aws="Use AWS KMS", gcp="Use Cloud KMS")
                    ),
                    ImprovementStep(text="Set it as the default bucket key", stacks=StackNotes(aws="Set SSE-KMS")),
                ],
                resources=[
                    Resource(title="Practice page", url=f"{DOCS}/data01-bp01"),
                    Resource(title="Key rotation", url="https://example.org/rotation"),
                ],
            ),
            practice("DATA01-BP02", "Mask personal fields", risk_if_missing="medium", description="Tokenise ids."),
        ],
        none_choice=NoneChoice(id="DATA01_no", description="Choose this when none of the practices is in place."),
        risk_rules=[
            RiskRule(condition="DATA01_BP01 && DATA01_BP02", risk="NONE"),
            RiskRule(condition="DATA01_BP01 || DATA01_BP02 && DATA01_BP01", risk="MEDIUM"),
            RiskRule(condition="default", risk="HIGH"),
        ],
    )


def test_export_maps_every_field() -> None:
    lens = make_lens(
        {"data_security": [encrypt_question()]}, pillars=[Pillar(id="data_security", wa_id="security", name="Security")]
    )
    doc = export_lens(lens).document
    (pillar,) = doc["pillars"]
    (q,) = pillar["questions"]
    assert (pillar["id"], pillar["name"], q["id"]) == ("security", "Security", "DATA01")
    assert q["helpfulResource"] == {"displayText": "Data protection guide", "url": f"{DOCS}/data"}
    first, second, none = q["choices"]
    assert first == {
        "id": "DATA01_BP01",
        "title": "Encrypt training data at rest",
        "helpfulResource": {
            "displayText": "Use customer-managed keys for buckets and volumes.\n\nWhy it matters: "
            "Copies of training data outlive the systems that made them.",
            "url": f"{DOCS}/data01-bp01",
        },
        "improvementPlan": {
            "displayText": "1. Create a key with rotation\n2. Set it as the default bucket key",
            "url": f"{DOCS}/data01-bp01",
        },
        "additionalResources": [
            {
                "type": "HELPFUL_RESOURCE",
                "content": [{"displayText": "Key rotation", "url": "https://example.org/rotation"}],
            },
            {
                "type": "IMPROVEMENT_PLAN",
                "content": [
                    {"displayText": "AWS notes:\n1. Use AWS KMS\n2. Set SSE-KMS"},
                    {"displayText": "Google Cloud notes:\n1. Use Cloud KMS"},
                ],
            },
        ],
    }
    assert second == {
        "id": "DATA01_BP02",
        "title": "Mask personal fields",
        "helpfulResource": {"displayText": "Tokenise ids."},
        "improvementPlan": {"displayText": "Mask personal fields"},
    }
    assert none == {
        "id": "DATA01_no",
        "title": "None of these",
        "helpfulResource": {"displayText": "Choose this when none of the practices is in place."},
    }
    assert q["riskRules"] == [
        {"condition": "DATA01_BP01 && DATA01_BP02 && !DATA01_no", "risk": "NO_RISK"},
        {"condition": "(DATA01_BP01 || (DATA01_BP02 && DATA01_BP01)) && !DATA01_no", "risk": "MEDIUM_RISK"},
        {"condition": "default", "risk": "HIGH_RISK"},
    ]
    assert list(doc) == ["schemaVersion", "name", "description", "pillars"]


def test_rules_at_the_maximum_risk_are_not_guarded() -> None:
    q = encrypt_question()
    q.risk_rules = [
        RiskRule(condition="DATA01_BP01", risk="NONE"),
        RiskRule(condition="!DATA01_BP01", risk="HIGH"),
        RiskRule(condition="default", risk="MEDIUM"),
    ]
    rules = export_lens(make_lens({"data": [q]})).document["pillars"][0]["questions"][0]["riskRules"]
    assert [r["condition"] for r in rules] == ["DATA01_BP01 && !DATA01_no", "!DATA01_BP01", "default"]


def test_round_trip_of_our_lens_keeps_every_field() -> None:
    lens = make_lens({"data_security": [encrypt_question()]})
    first = export_lens(lens)
    imported = import_lens(first.text).lens
    assert export_lens(imported).text == first.text
    original, back = lens.questions[0].choices[0], imported.questions[0].choices[0]
    assert (back.id, back.description, back.why) == (original.id, original.description, original.why)
    assert back.improvement == original.improvement
    assert [r.url for r in back.resources] == [r.url for r in original.resources]


def test_shipped_lens_round_trip_is_byte_identical(tmp_path: Path) -> None:
    lens = load_shipped_lens()
    first = export_lens(lens).text
    imported = import_lens(first, file="ml.json")
    assert export_lens(imported.lens).text == first
    assert imported.findings == [] and imported.notes == []
    # ... and through the YAML files `mllens lens import` writes.
    write_lens(imported.lens, tmp_path / "ml")
    assert export_lens(load_lens(tmp_path / "ml")).text == first


def test_shipped_lens_export_shape() -> None:
    doc = json.loads(export_lens(load_shipped_lens()).text)
    assert [p["id"] for p in doc["pillars"]] == [
        "operationalExcellence", "security", "reliability", "performance", "costOptimization", "sustainability",
    ]  # fmt: skip
    questions = [q for p in doc["pillars"] for q in p["questions"]]
    assert len(questions) == 35
    choices = [c["id"] for q in questions for c in q["choices"]]
    assert len(choices) == 105 + 35 and "MLOPS01_BP01" in choices and "MLCOST04_no" in choices
    for q in questions:
        assert q["choices"][-1]["id"] == f"{q['id']}_no"
        for rule in q["riskRules"][:-1]:
            assert rule["condition"].endswith(f"&& !{q['id']}_no"), rule
    # The default is the question's maximum: HIGH when a practice is high risk if missing.
    lens = load_shipped_lens()
    for q in questions:
        high = any(p.risk_if_missing == "high" for p in lens.question(q["id"]).choices)
        assert q["riskRules"][-1] == {"condition": "default", "risk": "HIGH_RISK" if high else "MEDIUM_RISK"}


# --- foreign lenses ------------------------------------------------------------------------

FOREIGN: dict[str, Any] = {
    "schemaVersion": "2021-11-01",
    "name": "Platform readiness",
    "description": "Checks for a shared data platform",
    "pillars": [
        {
            "id": "governance",
            "name": "01 - Governance",
            "questions": [
                {
                    "id": "gov_catalogue",
                    "title": "How are datasets catalogued?",
                    "helpfulResource": {"displayText": "Catalogue basics"},
                    "choices": [
                        {
                            "id": "owner",
                            "title": "Every dataset has an owner",
                            "improvementPlan": {"displayText": "Name owners"},
                        },
                        {
                            "id": "schema",
                            "title": "Schemas are registered",
                            "improvementPlan": {"displayText": "Register"},
                        },
                        {"id": "gov_catalogue_no", "title": "None of these"},
                    ],
                    "riskRules": [
                        {"condition": "owner && schema && !gov_catalogue_no", "risk": "NO_RISK"},
                        {"condition": "default", "risk": "MEDIUM_RISK"},
                    ],
                },
                {
                    "id": "gov_access",
                    "title": "Who can read raw data?",
                    "choices": [
                        {
                            "id": "owner",
                            "title": "Owners approve access",
                            "improvementPlan": {"displayText": "Approve"},
                        },
                        {"id": "review", "title": "Access is reviewed", "improvementPlan": {"displayText": "Review"}},
                    ],
                    "riskRules": [
                        {"condition": "owner && review", "risk": "NO_RISK"},
                        {"condition": "owner || review", "risk": "MEDIUM_RISK"},
                        {"condition": "default", "risk": "HIGH_RISK"},
                    ],
                },
            ],
        },
        {
            "id": "security",
            "name": "02 - Security",
            "questions": [
                {
                    "id": "SEC_KEYS",
                    "title": "How are keys handled?",
                    "choices": [
                        {
                            "id": "rotate",
                            "title": "Keys rotate",
                            "helpfulResource": {
                                "displayText": "Rotation limits exposure",
                                "url": "https://example.org/rot",
                            },
                            "improvementPlan": {"displayText": "Turn on rotation", "url": "https://example.org/rot"},
                        }
                    ],
                    "riskRules": [
                        {"condition": "rotate", "risk": "NO_RISK"},
                        {"condition": "default", "risk": "HIGH_RISK"},
                    ],
                }
            ],
        },
    ],
}


def dumped(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def test_foreign_lens_imports_and_exports_unchanged() -> None:
    result = import_lens(dumped(FOREIGN), file="platform.json")
    lens = result.lens
    assert lens.id == "platform_readiness" and lens.phases == []
    assert [(p.id, p.wa_id) for p in lens.pillars] == [("governance", None), ("security", None)]
    # "owner" is a choice of two questions: practice ids become unique, the choice id stays.
    ids = [(p.id, p.wa_choice_id, p.choice_id) for p in lens.practices]
    assert ids[0] == ("gov_catalogue.owner", "owner", "owner")
    assert ids[2] == ("gov_access.owner", "owner", "owner")
    assert lens.question("gov_catalogue").helpful_resource == HelpfulText(text="Catalogue basics")
    assert lens.question("gov_access").none_choice is None
    assert result.notes == []
    # Without a "None of these" choice every non-empty answer matches an earlier rule.
    assert [(f.code, f.question) for f in result.findings] == [("W40", "gov_access"), ("W40", "SEC_KEYS")]
    assert export_lens(lens).text == dumped(FOREIGN)


def test_imported_lens_survives_the_yaml_files(tmp_path: Path) -> None:
    lens = import_lens(dumped(FOREIGN)).lens
    write_lens(lens, tmp_path / "platform", source="platform.json")
    assert (tmp_path / "platform" / "governance.yaml").read_text().startswith("# Imported from platform.json")
    assert export_lens(load_lens(tmp_path / "platform")).text == dumped(FOREIGN)
    with pytest.raises(InputError, match="already holds a lens"):
        write_lens(lens, tmp_path / "platform")


ML_SAMPLE: dict[str, Any] = {
    "schemaVersion": "2021-11-01",
    "name": "Machine Learning Lens",
    "description": "ML lens in the shape AWS publishes it",
    "pillars": [
        {
            "id": "operationalExcellence",
            "name": "Operational Excellence",
            "questions": [
                {
                    "id": "MLOPS01",
                    "title": "How do you align the ML team with the business goal?",
                    "description": "Ownership and skills decide whether the model serves the goal.",
                    "choices": [
                        {
                            "id": f"MLOPS01_BP0{n}",
                            "title": title,
                            "helpfulResource": {"displayText": summary, "url": f"{DOCS}/mlops01-bp0{n}.html"},
                            "improvementPlan": {"displayText": title, "url": f"{DOCS}/mlops01-bp0{n}.html"},
                        }
                        for n, title, summary in [
                            (1, "Build the skills the team lacks", "Hire and train for ML, data and responsible AI."),
                            (2, "Agree on explainability", "Settle how much each prediction must be explained."),
                        ]
                    ]
                    + [
                        {
                            "id": "MLOPS01_no",
                            "title": "None of these",
                            "helpfulResource": {"displayText": "Choose this if none of these practices is followed."},
                        }
                    ],
                    "riskRules": [
                        {"condition": "MLOPS01_BP01 && MLOPS01_BP02 && !MLOPS01_no", "risk": "NO_RISK"},
                        {"condition": "MLOPS01_BP01 && !MLOPS01_no", "risk": "MEDIUM_RISK"},
                        {"condition": "default", "risk": "HIGH_RISK"},
                    ],
                }
            ],
        },
        {
            "id": "performance",
            "name": "Performance Efficiency",
            "questions": [
                {
                    "id": "MLPERF01",
                    "title": "How do you measure business success?",
                    "choices": [
                        {
                            "id": "MLPERF01_BP01",
                            "title": "Define success metrics",
                            "helpfulResource": {
                                "displayText": "Tie metrics to KPIs.",
                                "url": f"{DOCS}/mlperf01-bp01.html",
                            },
                            "improvementPlan": {
                                "displayText": "Define success metrics",
                                "url": f"{DOCS}/mlperf01-bp01.html",
                            },
                        },
                        {
                            "id": "MLPERF01_no",
                            "title": "None of these",
                            "helpfulResource": {"displayText": "None apply."},
                        },
                    ],
                    "riskRules": [
                        {"condition": "MLPERF01_BP01 && !MLPERF01_no", "risk": "NO_RISK"},
                        {"condition": "default", "risk": "HIGH_RISK"},
                    ],
                }
            ],
        },
    ],
}


def test_ml_lens_sample_shape_round_trips_and_lines_up_with_ours() -> None:
    result = import_lens(dumped(ML_SAMPLE), file="machine-learning-lens.json")
    lens = result.lens
    assert [(p.id, p.wa_id) for p in lens.pillars] == [
        ("operational_excellence", "operationalExcellence"),
        ("performance_efficiency", "performance"),
    ]
    bp01 = lens.practice("MLOPS01_BP01")
    assert (bp01.id, bp01.wa_choice_id, bp01.improvement, bp01.pillar) == (
        "MLOPS01-BP01",
        None,
        [],
        "operational_excellence",
    )
    assert bp01.resources == [Resource(title="Build the skills the team lacks", url=f"{DOCS}/mlops01-bp01.html")]
    assert lens.question("MLOPS01").none_choice == NoneChoice(
        id="MLOPS01_no", description="Choose this if none of these practices is followed."
    )
    assert (result.findings, result.notes) == ([], [])
    first = export_lens(lens).text
    assert first == dumped(ML_SAMPLE)
    assert export_lens(import_lens(first).lens).text == first


def test_unguarded_sample_rules_are_guarded_on_export_and_noted() -> None:
    doc = copy.deepcopy(ML_SAMPLE)
    doc["pillars"][1]["questions"][0]["riskRules"][0]["condition"] = "(MLPERF01_BP01)"
    result = import_lens(doc)
    assert [f.code for f in result.findings] == ["W42"]
    assert result.notes == [
        "pillars[1].questions[0].riskRules[0].condition: exported as 'MLPERF01_BP01 && !MLPERF01_no'"
    ]
    rules = export_lens(result.lens).document["pillars"][1]["questions"][0]["riskRules"]
    assert rules[0]["condition"] == "MLPERF01_BP01 && !MLPERF01_no"


def test_unknown_keys_are_kept_aside_and_reported() -> None:
    doc = copy.deepcopy(FOREIGN)
    doc["version"] = "7"
    doc["pillars"][1]["questions"][0]["choices"][0]["weight"] = 3
    result = import_lens(doc)
    assert result.lens.extensions == {"version": "7", "pillars[1].questions[0].choices[0].weight": 3}
    assert [(f.code, f.path) for f in result.findings if f.code == "W01"] == [
        ("W01", "version"),
        ("W01", "pillars[1].questions[0].choices[0].weight"),
    ]
    assert export_lens(result.lens).text == dumped(FOREIGN)  # never exported


def test_import_normalisations_are_noted() -> None:
    doc = copy.deepcopy(FOREIGN)
    q = doc["pillars"][0]["questions"][0]
    q["choices"].insert(0, q["choices"].pop())  # "None of these" first
    q["choices"][0]["improvementPlan"] = {"displayText": "Nothing to do"}
    keys = doc["pillars"][1]["questions"][0]["choices"][0]
    keys["improvementPlan"]["url"] = "https://example.org/plan"
    keys["additionalResources"] = [{"type": "HELPFUL_RESOURCE", "content": [{"displayText": "A note without link"}]}]
    result = import_lens(doc)
    assert result.notes == [
        "pillars[0].questions[0].choices[0].improvementPlan: the 'None of these' choice keeps only its title and text; "
        "kept aside in extensions, not exported",
        "pillars[0].questions[0].choices[0]: the 'None of these' choice is exported last",
        "pillars[1].questions[0].choices[0]: improvementPlan.url differs from helpfulResource.url: kept as a resource",
        "pillars[1].questions[0].choices[0].additionalResources[0].content[0]: a helpful resource without url has no "
        "place in our model; kept aside in extensions, not exported",
    ]
    rotate = result.lens.practice("rotate")
    assert [r.url for r in rotate.resources] == ["https://example.org/rot", "https://example.org/plan"]
    again = export_lens(result.lens).text
    assert export_lens(import_lens(again).lens).text == again


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["pillars"][0]["questions"][1].update(title="x" * 129),
            "lens.json: pillars[0].questions[1].title: E20 129 characters, the limit is 128",
        ),
        (
            lambda d: d["pillars"][1]["questions"][0]["riskRules"][0].update(condition="rotate &&"),
            "lens.json: pillars[1].questions[0].riskRules[0].condition: E30 condition ends where a choice id was "
            "expected at offset 9 in 'rotate &&'",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0]["choices"][0].pop("improvementPlan"),
            "lens.json: pillars[0].questions[0].choices[0].improvementPlan: E14 missing: "
            "only a '_no' choice may omit it",
        ),
        (
            lambda d: d["pillars"][1]["questions"][0].update(id="GOV_CATALOGUE"),
            "lens.json: pillars[1].questions[0].id: question ids 'GOV_CATALOGUE' and 'gov_catalogue' differ only by "
            "case; mllens looks ids up case-insensitively",
        ),
        (
            lambda d: d["pillars"][0]["questions"][0].update(choices=[{"id": "gov_catalogue_no", "title": "None"}]),
            "lens.json: pillars[0].questions[0].riskRules[0].condition: E31 'owner' is not a choice of question "
            "gov_catalogue (choices: gov_catalogue_no) (and 1 more errors; `mllens lens lint` lists them)",
        ),
    ],
)
def test_import_errors_name_the_file_and_json_path(mutate: Any, message: str) -> None:
    doc = copy.deepcopy(FOREIGN)
    mutate(doc)
    with pytest.raises(LensError) as caught:
        import_lens(dumped(doc), file="lens.json")
    assert str(caught.value) == message


def test_a_question_with_only_none_of_these_cannot_be_imported() -> None:
    doc = copy.deepcopy(FOREIGN)
    doc["pillars"][0]["questions"][0]["choices"] = [{"id": "gov_catalogue_no", "title": "None"}]
    doc["pillars"][0]["questions"][0]["riskRules"] = [{"condition": "default", "risk": "HIGH_RISK"}]
    with pytest.raises(LensError, match=r"^lens.json: pillars\[0\].questions\[0\].choices: the question has no choice"):
        import_lens(dumped(doc), file="lens.json")


def test_malformed_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x",\n  "pillars": [}', encoding="utf-8")
    with pytest.raises(LensError, match=r"bad.json: malformed JSON at line 2, column 15"):
        read_lens_json(bad)
    with pytest.raises(InputError, match=r"missing.json: cannot read"):
        read_lens_json(tmp_path / "missing.json")
    (tmp_path / "latin.json").write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(LensError, match=r"latin.json: not UTF-8 text"):
        read_lens_json(tmp_path / "latin.json")


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
    for key, value in items:
        out += _paths(value, (*prefix, key))
    return out


ODD_VALUES = [None, 1, True, "", "x", [], {}, [1], {"a": 1}, "a;b", "x" * 3000, "ftp://x", "default", "!x", "q_no"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([FOREIGN, ML_SAMPLE]), st.data())
def test_import_accepts_or_refuses_cleanly(base: dict[str, Any], data: st.DataObject) -> None:
    """Any damage to a valid document gives an imported lens that round-trips, or a
    LensError; never another exception."""
    doc = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)))
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES)))
    try:
        lens = import_lens(doc).lens
    except LensError:
        return
    first = export_lens(lens).text
    assert export_lens(import_lens(first).lens).text == first


# --- limits: refuse, or fold on request ----------------------------------------------------


def test_export_refuses_what_cannot_fit_and_names_it() -> None:
    q = encrypt_question()
    q.choices[1].description = "y" * 2100
    q.choices[0].title = "Encrypt training data; always"
    with pytest.raises(LensError) as caught:
        export_lens(make_lens({"data": [q]}))
    assert str(caught.value).splitlines() == [
        "cannot export lens 'small' as an AWS custom lens: 2 problem(s) "
        "(--fold shortens long free text and replaces refused characters)",
        "  E21 data/DATA01/DATA01-BP01: title: characters the AWS tool refuses in this field: ';'",
        "  E20 data/DATA01/DATA01-BP02: description and why (helpfulResource.displayText): "
        "2,100 characters, the limit is 2,048",
    ]


def test_fold_shortens_free_text_and_cleans_restricted_fields() -> None:
    q = encrypt_question()
    q.choices[1].description = "word " * 420
    q.choices[0].title = "Encrypt training data; 100% “always”"
    q.description = "Protect data – at rest & in transit."
    result = export_lens(make_lens({"data": [q]}), fold=True)
    exported = result.document["pillars"][0]["questions"][0]
    assert exported["choices"][0]["title"] == "Encrypt training data, 100 percent 'always'"
    assert exported["description"] == "Protect data - at rest & in transit."
    shortened = exported["choices"][1]["helpfulResource"]["displayText"]
    assert len(shortened) <= 1024 and shortened.endswith("word...")
    assert result.changes == [
        "data/DATA01 description: replaced characters the AWS tool refuses",
        "data/DATA01/DATA01_BP01 title: replaced characters the AWS tool refuses",
        "data/DATA01/DATA01_BP02 helpfulResource displayText: shortened from 2,100 to 1,022 characters",
    ]


def test_fold_does_not_shorten_ids_or_titles() -> None:
    q = encrypt_question()
    q.choices[1].id = "DATA01-BP02-" + "x" * 60
    q.risk_rules = [RiskRule(condition="default", risk="HIGH")]
    with pytest.raises(
        LensError, match=r"E10 data/DATA01/DATA01-BP02-x+: id: 72 characters, above the API limit of 64"
    ):
        export_lens(make_lens({"data": [q]}), fold=True)


def test_safe_target_overruns_are_export_warnings() -> None:
    q = encrypt_question()
    q.choices[1].description = "z" * 1100
    result = export_lens(make_lens({"data": [q]}))
    assert [(f.code, f.choice, f.path) for f in result.warnings] == [
        ("W20", "DATA01-BP02", "description and why (helpfulResource.displayText)")
    ]


# --- the text slots -----------------------------------------------------------------------

# Text built from the pieces the readers look for: numbers, line breaks, the why marker.
texts = st.lists(
    st.sampled_from(["a", "b c", "1. ", "2. ", "3. ", "\n", ":", WHY_MARK, "AWS notes:\n"]), max_size=12
).map("".join)


@given(texts, texts)
def test_plan_text_reads_back_to_itself(text: str, title: str) -> None:
    assert plan_text(read_plan(text, title), title) == text


@given(texts, texts)
def test_help_text_reads_back_to_itself(description: str, why: str) -> None:
    assert help_text(*split_help(description)) == description
    if WHY_MARK not in description:
        assert split_help(help_text(description, why)) == (description, why)


def test_stack_notes_read_back() -> None:
    text = stack_text("open_source", [(1, "Use MinIO"), (3, "Use Vault\nwith auto-unseal")])
    assert text == "Open source notes:\n1. Use MinIO\n3. Use Vault\nwith auto-unseal"
    assert read_stack_text(text, 3) == ("open_source", {1: "Use MinIO", 3: "Use Vault\nwith auto-unseal"})
    # Numbers beyond the last step do not start a note: the line belongs to the one before.
    assert read_stack_text(text, 2) == ("open_source", {1: "Use MinIO\n3. Use Vault\nwith auto-unseal"})
    assert read_stack_text("Links:\n1. x", 3) is None


def test_lens_ids_from_names() -> None:
    assert lens_id_for("Machine Learning Lens") == "machine_learning_lens"
    assert lens_id_for("ML") == "ml_imported"  # never the shipped lens's id
    assert lens_id_for("!!!") == "imported"
