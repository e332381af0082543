"""`mllens lens lint|export|import|show|list` through the real command line."""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mllens.cli import app, main
from mllens.errors import InputError, LensError
from mllens.lens import load_lens, load_shipped_lens
from mllens.lens.wa_format import export_lens

runner = CliRunner()
LENS = load_shipped_lens()

FOREIGN: dict[str, Any] = {
    "schemaVersion": "2021-11-01",
    "name": "Platform readiness",
    "description": "Checks for a shared data platform",
    "pillars": [
        {
            "id": "governance",
            "name": "Governance",
            "questions": [
                {
                    "id": "GOV01",
                    "title": "How are datasets catalogued?",
                    "choices": [
                        {
                            "id": "GOV01_owner",
                            "title": "Datasets have owners",
                            "improvementPlan": {"displayText": "Name"},
                        },
                        {"id": "GOV01_schema", "title": "Schemas are kept", "improvementPlan": {"displayText": "Keep"}},
                        {"id": "GOV01_no", "title": "None of these"},
                    ],
                    "riskRules": [
                        {"condition": "GOV01_owner && GOV01_schema", "risk": "NO_RISK"},
                        {"condition": "default", "risk": "HIGH_RISK"},
                    ],
                }
            ],
        }
    ],
}


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


# --- lint -------------------------------------------------------------------------------


def test_lint_shipped_lens() -> None:
    result = runner.invoke(app, ["lens", "lint"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stdout or "no findings" in result.stdout


def test_lint_aws_json_as_json(tmp_path: Path) -> None:
    path = write_json(tmp_path / "platform.json", FOREIGN)
    result = runner.invoke(app, ["lens", "lint", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "code": "W42",
            "pillar": "governance",
            "question": "GOV01",
            "choice": "GOV01_no",
            "message": "pillars[0].questions[0]: selecting GOV01_no does not always give the question's maximum risk "
            "HIGH_RISK: {GOV01_owner, GOV01_schema, GOV01_no} gives NO_RISK (add '&& !GOV01_no' to the lower-risk "
            "rules)",
        }
    ]


def test_lint_errors_exit_1(tmp_path: Path) -> None:
    doc = copy.deepcopy(FOREIGN)
    doc["pillars"][0]["questions"][0]["title"] = "Catalogued? [yes/no]"
    path = write_json(tmp_path / "bad.json", doc)
    result = runner.invoke(app, ["lens", "lint", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "E21 governance/GOV01: pillars[0].questions[0].title: characters the AWS tool refuses in this field: '[' ']'"
    )
    assert lines[-1] == "1 error(s), 1 warning(s)"


def test_lint_yaml_lens_directory_and_its_lens_yaml(tmp_path: Path) -> None:
    runner.invoke(app, ["lens", "import", str(write_json(tmp_path / "p.json", FOREIGN)), "-o", str(tmp_path / "p")])
    for target in (tmp_path / "p", tmp_path / "p" / "lens.yaml", tmp_path / "p" / "governance.yaml"):
        result = runner.invoke(app, ["lens", "lint", str(target), "-f", "json"])
        assert result.exit_code == 0, result.output
        assert [(f["code"], f["choice"]) for f in json.loads(result.stdout)] == [("W42", "GOV01_no")]


def test_lint_bad_input_names_the_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lens", "lint", str(tmp_path / "missing.json")])
    assert isinstance(result.exception, InputError)
    assert str(result.exception) == f"{tmp_path / 'missing.json'}: no such file or directory"
    (tmp_path / "broken.json").write_text('{"pillars": [', encoding="utf-8")
    result = runner.invoke(app, ["lens", "lint", str(tmp_path / "broken.json")])
    assert str(result.exception) == f"{tmp_path / 'broken.json'}: malformed JSON at line 1, column 14: Expecting value"


def test_main_turns_bad_input_into_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b.json").write_text("[1,", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["mllens", "lens", "import", "b.json"])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    assert capsys.readouterr().err == "error: b.json: malformed JSON at line 1, column 4: Expecting value\n"


# --- export -----------------------------------------------------------------------------


def test_export_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    expected = export_lens(LENS).text
    result = runner.invoke(app, ["lens", "export"])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    out = tmp_path / "ml.json"
    result = runner.invoke(app, ["lens", "export", "--format", "wa-json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == expected
    assert result.stderr.strip() == f"wrote {out} (6 pillars, 35 questions)"


def test_export_refuses_or_folds(tmp_path: Path) -> None:
    doc = copy.deepcopy(FOREIGN)
    runner.invoke(app, ["lens", "import", str(write_json(tmp_path / "p.json", doc)), "-o", str(tmp_path / "p")])
    pillar_file = tmp_path / "p" / "governance.yaml"
    pillar_file.write_text(pillar_file.read_text().replace("Datasets have owners", "Datasets have owners; always"))
    result = runner.invoke(app, ["lens", "export", "--lens", str(tmp_path / "p")])
    assert isinstance(result.exception, LensError)
    assert "E21 governance/GOV01/GOV01_owner: title: characters the AWS tool refuses in this field: ';'" in str(
        result.exception
    )
    result = runner.invoke(app, ["lens", "export", "--lens", str(tmp_path / "p"), "--fold"])
    assert result.exit_code == 0, result.output
    assert "folded: governance/GOV01/GOV01_owner title: replaced characters the AWS tool refuses" in result.stderr
    assert (
        json.loads(result.stdout)["pillars"][0]["questions"][0]["choices"][0]["title"] == "Datasets have owners, always"
    )


def test_export_needs_a_lens_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lens", "export", "--lens", str(tmp_path / "nope")])
    assert (
        str(result.exception) == f"{tmp_path / 'nope'}: not a lens directory (expected a directory holding lens.yaml)"
    )


# --- import -----------------------------------------------------------------------------


def test_import_writes_a_yaml_lens_and_reports(tmp_path: Path) -> None:
    doc = copy.deepcopy(FOREIGN) | {"owner": "platform team"}
    source = write_json(tmp_path / "platform.json", doc)
    result = runner.invoke(app, ["lens", "import", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "W01 lens: owner: unknown key 'owner': kept aside on import, never exported"
    assert lines[1].startswith("W42 governance/GOV01/GOV01_no: ")
    assert (
        "note: pillars[0].questions[0].riskRules[0].condition: exported as 'GOV01_owner && GOV01_schema && !GOV01_no'"
        in lines
    )
    assert lines[-1] == f"imported 'Platform readiness' into {tmp_path / 'out'}: 1 pillars, 1 questions, 2 practices"
    lens = load_lens(tmp_path / "out")
    assert lens.extensions == {"owner": "platform team"}
    assert [p.id for p in lens.practices] == ["GOV01_owner", "GOV01_schema"]
    again = runner.invoke(app, ["lens", "import", str(source), "-o", str(tmp_path / "out")])
    assert isinstance(again.exception, InputError) and "already holds a lens" in str(again.exception)
    assert (
        runner.invoke(app, ["lens", "import", str(source), "-o", str(tmp_path / "out"), "--overwrite"]).exit_code == 0
    )


def test_import_default_directory_is_the_lens_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_json(tmp_path / "platform.json", FOREIGN)
    result = runner.invoke(app, ["lens", "import", "platform.json", "--id", "platform"])
    assert result.exit_code == 0, result.output
    assert load_lens(tmp_path / "platform").id == "platform"


def test_import_refuses_an_invalid_lens_naming_the_json_path(tmp_path: Path) -> None:
    doc = copy.deepcopy(FOREIGN)
    doc["pillars"][0]["questions"][0]["riskRules"].reverse()
    result = runner.invoke(app, ["lens", "import", str(write_json(tmp_path / "x.json", doc))])
    assert str(result.exception) == (
        f"{tmp_path / 'x.json'}: pillars[0].questions[0].riskRules[0].condition: E32 rules after 'default' can never "
        "apply (and 1 more errors; `mllens lens lint` lists them)"
    )


# --- show and list ----------------------------------------------------------------------


@pytest.mark.parametrize("given", ["MLSEC03-BP02", "mlsec-04"])
def test_show_practice(given: str) -> None:
    result = runner.invoke(app, ["lens", "show", given])
    assert result.exit_code == 0, result.output
    practice = LENS.practice(given)
    out = flat(result.stdout)
    assert out.startswith(flat(f"MLSEC03-BP02 (MLSEC-04) {practice.title}"))
    assert "Pillar: Security Phase: Data processing Question: MLSEC03" in out
    assert "Risk if missing: high" in out
    for text in (practice.description, practice.why):
        assert flat(text) in out
    for check in practice.checks:
        assert flat(f"[{check.kind}] {check.text}") in out
    for n, step in enumerate(practice.improvement, start=1):
        assert flat(f"{n}. {step.text}") in out
        if step.stacks.aws:
            assert flat(f"AWS: {step.stacks.aws}") in out
    for resource in practice.resources:
        assert resource.url in result.stdout


def test_show_question() -> None:
    result = runner.invoke(app, ["lens", "show", "mlsec03"])
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    question = LENS.question("MLSEC03")
    assert out.startswith(flat(f"MLSEC03 {question.title}"))
    assert all(p.id in out for p in question.choices) and "MLSEC03_no" in out
    for rule in question.risk_rules:
        assert flat(f"{rule.risk} {rule.condition}") in out


def test_show_unknown_id() -> None:
    result = runner.invoke(app, ["lens", "show", "MLSEC-99"])
    assert str(result.exception) == "'MLSEC-99' is neither a practice nor a question of lens 'ml'"


def listed(output: str) -> list[str]:
    return re.findall(r"ML[A-Z]+\d\d-BP\d\d", output)


def test_list_filters() -> None:
    result = runner.invoke(app, ["lens", "list", "--pillar", "security", "--risk", "high", "--automated"])
    assert result.exit_code == 0, result.output
    expected = [
        p.id
        for p in LENS.practices
        if p.pillar == "security" and p.risk_if_missing == "high" and any(c.kind == "automated" for c in p.checks)
    ]
    assert expected and listed(result.stdout) == expected
    manual = runner.invoke(app, ["lens", "list", "--phase", "business_goal", "--manual"])
    expected = [
        p.id for p in LENS.practices if p.phase == "business_goal" and all(c.kind == "manual" for c in p.checks)
    ]
    assert expected and listed(manual.stdout) == expected
    everything = runner.invoke(app, ["lens", "list", "--pillar", "costOptimization"])
    assert listed(everything.stdout) == [p.id for p in LENS.practices if p.pillar == "cost_optimization"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--automated", "--manual"], "choose --automated or --manual, not both"),
        (
            ["--pillar", "privacy"],
            "--pillar: expected one of operational_excellence, security, reliability, performance_efficiency, "
            "cost_optimization, sustainability, got 'privacy'",
        ),
        (
            ["--phase", "training"],
            "--phase: expected one of business_goal, problem_framing, data_processing, model_development, "
            "deployment, monitoring, got 'training'",
        ),
        (["--risk", "low"], "--risk: expected one of high, medium, got 'low'"),
    ],
)
def test_list_usage_errors_exit_2(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["mllens", "lens", "list", *args])
    monkeypatch.setenv("COLUMNS", "400")
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    assert capsys.readouterr().err == f"error: {message}\n"
