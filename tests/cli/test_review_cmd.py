"""`mllens review` (interactive and --non-interactive) and `mllens report`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from mllens.answers.io import load_answers
from mllens.cli import review_cmd
from mllens.lens import Lens, load_shipped_lens
from mllens.scan.evidence import Evidence
from mllens.scan.result import ScanResult


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    review_cmd.register(app)
    return app


@pytest.fixture(scope="module")
def lens() -> Lens:
    return load_shipped_lens()


def run(app: typer.Typer, args: list[str], stdin: str = "", **kw: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, args, input=stdin, **kw)  # type: ignore[arg-type]


def fake_scan(evidence: list[Evidence]):  # type: ignore[no-untyped-def]
    def scan(path: str, *, use_cache: bool = True, progress: bool = False) -> ScanResult:
        return ScanResult(root=path, files_scanned=2, duration_s=0.1, evidence=evidence)

    return scan


# --- interactive ------------------------------------------------------------------------


def test_creates_mllens_yaml_and_saves_each_answer(app: typer.Typer, tmp_path: Path, lens: Lens) -> None:
    stdin = "\n".join(
        [
            "fraud-detection",  # workload name
            "i", "",  # MLSEC03-BP01 implemented, no notes
            "m", "keys next quarter",  # MLSEC03-BP02 missing, with a note
            "n", "a", "handled by the data platform",  # MLSEC03-BP03 not applicable
            "s",  # MLSEC03-BP04 skipped
            "q",  # stop at MLSEC03-BP05
        ]
    ) + "\n"
    result = run(app, ["review", str(tmp_path), "--question", "mlsec03"], stdin)
    assert result.exit_code == 0, result.output
    assert "No mllens.yaml in" in result.output
    assert "[1/5] MLSEC03-BP01 (MLSEC-03)" in result.output
    assert "[5/5] MLSEC03-BP05" in result.output
    assert "Saved 3 answers to" in result.output
    assert "2 practices in scope still unanswered" in result.output
    answers = load_answers(tmp_path / "mllens.yaml", lens=lens)
    assert answers.workload.name == "fraud-detection"
    assert {k: (a.status, a.notes, a.reason) for k, a in answers.answers.items()} == {
        "MLSEC03-BP01": ("implemented", None, None),
        "MLSEC03-BP02": ("missing", "keys next quarter", None),
        "MLSEC03-BP03": ("not_applicable", "handled by the data platform", "architecture_constraints"),
    }


def test_each_practice_shows_what_the_files_say(app: typer.Typer, tmp_path: Path) -> None:
    found = Evidence(
        rule="terraform.sagemaker_data_capture", practice="MLOPS06-BP02", check="endpoint_data_capture",
        outcome="contradicts", file="infra/main.tf", line=58,
        message="aws_sagemaker_endpoint_configuration.fraud has no data_capture_config", confidence=0.9,
    )
    (tmp_path / "mllens.yaml").write_text("workload: {name: fraud}\n")
    result = run(app, ["review", str(tmp_path), "--question", "MLOPS06"], "s\nq\n", obj={"scan": fake_scan([found])})
    assert result.exit_code == 0, result.output
    first, second = result.output.split("[2/2]")
    assert "What the files show" not in first  # MLOPS06-BP01: nothing found
    assert "✗ infra/main.tf:58 [endpoint_data_capture]" in second
    assert "has no data_capture_config" in second
    skipped = run(app, ["review", str(tmp_path), "--question", "MLOPS06", "--no-scan"], "s\nq\n")
    assert "What the files show" not in skipped.output


def test_partial_asks_the_manual_checks(app: typer.Typer, tmp_path: Path, lens: Lens) -> None:
    practice = lens.question("MLOPS01").choices[0]
    manual = [c.id for c in practice.checks if c.kind == "manual"]
    assert manual, "the shipped MLOPS01-BP01 has manual checks"
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    replies = ["met"] + ["not_met"] * (len(manual) - 1)
    stdin = "\n".join(["p", *replies, "", "q"]) + "\n"
    result = run(app, ["review", str(tmp_path), "--question", "MLOPS01"], stdin)
    assert result.exit_code == 0, result.output
    answer = load_answers(tmp_path / "mllens.yaml", lens=lens).answers[practice.id]
    assert answer.status == "partial"
    assert answer.checks == dict(zip(manual, replies, strict=True))


def test_existing_keys_comments_and_checks_are_kept(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_text(
        "workload: {name: w}   # our model\n"
        "answers:\n"
        "  # network first\n"
        "  MLSEC-04: {checks: {private_networking: met}}\n",
        encoding="utf-8",
    )
    result = run(app, ["review", str(tmp_path), "--question", "MLSEC03"], "s\np\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "[1/5] MLSEC03-BP01" in result.output
    assert path.read_text(encoding="utf-8") == (
        "workload: {name: w}   # our model\n"
        "answers:\n"
        "  # network first\n"
        "  MLSEC-04: {checks: {private_networking: met}, status: partial}\n"
    )


def test_end_of_input_keeps_what_was_saved(app: typer.Typer, tmp_path: Path, lens: Lens) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    result = run(app, ["review", str(tmp_path), "--pillar", "security"], "i\nfirst\nm\n")
    assert result.exit_code == 0
    assert "Stopped. Every answer given so far is saved in" in result.output
    answers = load_answers(tmp_path / "mllens.yaml", lens=lens).answers
    assert {k: a.status for k, a in answers.items()} == {"MLSEC01-BP01": "implemented"}


def test_ctrl_c_keeps_what_was_saved(
    app: typer.Typer, tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    replies = iter(["m", ""])

    def keyboard(prompt: str = "") -> str:
        """Two answers typed, then Ctrl-C at the third prompt."""
        try:
            return next(replies)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr("builtins.input", keyboard)
    result = run(app, ["review", str(tmp_path), "--pillar", "SECURITY"])
    assert result.exit_code == 130
    assert "Stopped. Every answer given so far is saved in" in result.output
    answers = load_answers(tmp_path / "mllens.yaml", lens=lens).answers
    assert {k: a.status for k, a in answers.items()} == {"MLSEC01-BP01": "missing"}


def test_a_wrong_choice_is_asked_again(app: typer.Typer, tmp_path: Path, lens: Lens) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    result = run(app, ["review", str(tmp_path), "--question", "MLSEC01"], "done\nimpl\n\n")
    assert result.exit_code == 0
    assert "Type one of: implemented, partial, missing, not_applicable, skip, quit" in result.output
    assert load_answers(tmp_path / "mllens.yaml", lens=lens).answers["MLSEC01-BP01"].status == "implemented"


# --- non-interactive --------------------------------------------------------------------


def test_non_interactive_lists_what_is_unanswered_per_pillar(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text(
        "workload: {name: fraud}\n"
        "answers:\n"
        "  MLSEC01-BP01: {status: implemented}\n"
        "  MLSEC-02: {status: missing}\n"
        "  MLSEC03-BP01: {checks: {least_privilege_iam: met}}\n"  # no status: still open
        "questions:\n"
        "  MLSEC06: {applicable: false}\n",
        encoding="utf-8",
    )
    result = run(app, ["review", str(tmp_path), "--non-interactive", "--pillar", "security"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("mllens.yaml is valid: workload 'fraud', lens ml.")
    assert lines[1:] == [
        "9 practices have no answer yet:",
        "  security: 9 of 13: MLSEC03-BP01, MLSEC03-BP02, MLSEC03-BP03, MLSEC03-BP04, "
        "MLSEC03-BP05, MLSEC04-BP01, MLSEC04-BP02, MLSEC04-BP03, MLSEC05-BP01",
    ]


def test_non_interactive_counts_all_pillars(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: fraud}\n", encoding="utf-8")
    result = run(app, ["review", str(tmp_path), "--non-interactive"])
    assert result.exit_code == 0
    assert "105 practices have no answer yet:" in result.output
    assert "  reliability: 13 of 13: MLREL01-BP01," in result.output
    assert "  cost_optimization: 29 of 29: MLCOST01-BP01," in result.output


def test_invalid_file_is_exit_2_with_file_and_field(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text(
        "workload: {name: fraud}\nanswers:\n  MLSEC03-BP9: {status: missing}\n", encoding="utf-8"
    )
    result = run(app, ["review", str(tmp_path), "--non-interactive"])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "mllens.yaml: answers.MLSEC03-BP9: 'MLSEC03-BP9' is not a practice of lens ml"
    )
    assert result.stderr.startswith("error: ")


def test_usage_errors(app: typer.Typer, tmp_path: Path) -> None:
    missing = run(app, ["review", str(tmp_path), "--non-interactive"])
    assert missing.exit_code == 2
    assert "mllens.yaml: not found; run `mllens review" in missing.stderr
    pillar = run(app, ["review", str(tmp_path), "--pillar", "speed"])
    assert pillar.exit_code == 2
    assert "--pillar: unknown pillar 'speed' (expected one of: operational_excellence," in pillar.stderr
    question = run(app, ["review", str(tmp_path), "--question", "MLSEC09"])
    assert question.exit_code == 2
    assert "--question: 'MLSEC09' is not a question of lens ml" in question.stderr
    assert not (tmp_path / "mllens.yaml").exists()


# --- report -----------------------------------------------------------------------------

FINDING = Evidence(
    rule="terraform.sagemaker_endpoint_kms", practice="MLSEC03-BP02", check="storage_encrypted_cmk",
    outcome="contradicts", file="infra/main.tf", line=42, message="no KMS key", confidence=0.9,
)


def test_report_json_to_stdout_uses_the_injected_scan(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: fraud}\n", encoding="utf-8")
    result = run(app, ["report", str(tmp_path), "--format", "json"], obj={"scan": fake_scan([FINDING])})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["project"] == {"path": str(tmp_path), "files_scanned": 2, "duration_s": 0.1}
    assert data["evidence"][0]["rule"] == "terraform.sagemaker_endpoint_kms"
    assert next(q for q in data["questions"] if q["id"] == "MLSEC03")["risk"] == "HIGH"
    assert data["workload"] == {"name": "fraud"}


def test_report_markdown_to_a_file_against_a_baseline(app: typer.Typer, tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "mllens.yaml").write_text("workload: {name: fraud}\n", encoding="utf-8")
    scan = {"scan": fake_scan([FINDING])}
    base = tmp_path / "base.json"
    assert run(app, ["report", str(project), "-f", "json", "-o", str(base)], obj=scan).exit_code == 0
    (project / "mllens.yaml").write_text(
        "workload: {name: fraud}\nanswers:\n  MLPERF03-BP01: {status: missing}\n", encoding="utf-8"
    )
    out = tmp_path / "review.md"
    result = run(
        app, ["report", str(project), "--format", "markdown", "-o", str(out), "--baseline", str(base)],
        obj=scan,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("### mllens review: fraud\n")
    assert "| MLPERF03 | ⚪ unanswered | 🟠 MEDIUM | |" in text


def test_report_terminal_and_bad_format(app: typer.Typer, tmp_path: Path) -> None:
    scan = {"scan": fake_scan([FINDING])}
    result = run(app, ["report", str(tmp_path)], obj=scan)
    assert result.exit_code == 0, result.output
    assert f"mllens review: {tmp_path.name} (lens ml" in result.stdout
    assert "HIGH risks (1)" in result.stdout
    assert "infra/main.tf:42: no KMS key" in result.stdout
    bad = run(app, ["report", str(tmp_path), "--format", "xml"], obj=scan)
    assert bad.exit_code == 2
    assert "unknown report format 'xml' (expected one of: terminal, markdown, json, html, sarif, pdf)" in bad.stderr
