"""`mllens review` (interactive and --non-interactive) and `mllens report`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
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
    def scan(path: str, *, use_cache: bool = True, progress: bool = False, **options: object) -> ScanResult:
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


# --- another writer edits mllens.yaml during the walk -------------------------------------

Step = str | Callable[[], None]


def typed(monkeypatch: pytest.MonkeyPatch, *steps: Step) -> None:
    """Replies typed at the prompts, in order; a callable in between is another writer,
    run after the previous reply was saved and before the next prompt is answered."""
    queue = list(steps)

    def reply(prompt: str = "") -> str:
        while queue and callable(queue[0]):
            queue.pop(0)()  # type: ignore[operator]
        if not queue:
            raise EOFError
        step = queue.pop(0)
        assert isinstance(step, str)
        return step

    monkeypatch.setattr("builtins.input", reply)


def other_process_appends(path: Path, text: str) -> Callable[[], None]:
    """Another program (an editor, `git pull`) appending to the file, in its own process."""
    code = "import pathlib, sys; p = pathlib.Path(sys.argv[1]); p.write_text(p.read_text() + sys.argv[2])"
    return lambda: subprocess.run([sys.executable, "-c", code, str(path), text], check=True)


def other_edit(path: Path, old: str, new: str) -> Callable[[], None]:
    def edit() -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def test_an_answer_written_meanwhile_to_another_practice_is_kept(
    app: typer.Typer, tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\n", encoding="utf-8")
    typed(
        monkeypatch,
        "i", "",  # MLSEC03-BP01
        other_process_appends(path, "  MLOPS01-BP01: {status: partial}  # from a git pull\n"),
        "m", "keys next quarter",  # MLSEC03-BP02
        "q",
    )
    result = run(app, ["review", str(tmp_path), "--question", "MLSEC03", "--no-scan"])
    assert result.exit_code == 0, result.output
    assert "Saved 2 answers to" in result.output
    assert path.read_text(encoding="utf-8") == (
        "workload: {name: w}\n"
        "answers:\n"
        "  MLSEC03-BP01:\n    status: implemented\n"
        "  MLOPS01-BP01: {status: partial}  # from a git pull\n"
        "  MLSEC03-BP02:\n    status: missing\n    notes: keys next quarter\n"
    )


def test_a_workload_edit_and_a_comment_made_meanwhile_are_kept(
    app: typer.Typer, tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\nanswers:\n  MLSEC-04: {status: partial}\n", encoding="utf-8")
    typed(
        monkeypatch,
        "i", "",  # MLSEC03-BP01
        other_edit(
            path, "workload: {name: w}\n", "# reviewed with the risk team\nworkload: {name: w, description: scoring}\n"
        ),
        "m", "",  # MLSEC03-BP03 (BP02 is answered)
        "q",
    )
    result = run(app, ["review", str(tmp_path), "--question", "MLSEC03", "--no-scan"])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == (
        "# reviewed with the risk team\n"
        "workload: {name: w, description: scoring}\n"
        "answers:\n"
        "  MLSEC-04: {status: partial}\n"
        "  MLSEC03-BP01:\n    status: implemented\n"
        "  MLSEC03-BP03:\n    status: missing\n"
    )
    assert load_answers(path, lens=lens).workload.description == "scoring"


def test_the_same_answer_changed_meanwhile_is_a_conflict(
    app: typer.Typer, tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\n", encoding="utf-8")
    theirs = ""

    def other_answers_bp02() -> None:
        nonlocal theirs
        theirs = path.read_text(encoding="utf-8") + "  MLSEC-04: {status: implemented, notes: KMS everywhere}\n"
        path.write_text(theirs, encoding="utf-8")

    typed(monkeypatch, "i", "", other_answers_bp02, "m", "no keys yet", "i", "")
    result = run(app, ["review", str(tmp_path), "--question", "MLSEC03", "--no-scan"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "error: mllens.yaml: MLSEC03-BP02 changed both in the file and in this session (MLSEC03-BP02: "
        "the file now says implemented, notes 'KMS everywhere', this session says missing, notes "
        "'no keys yet'); nothing written. The answer saved before is kept; read the file, then run "
        f"`mllens review {tmp_path} --practice MLSEC03-BP02` to answer again.\n"
    ).replace("error: mllens.yaml", f"error: {path}")
    assert path.read_text(encoding="utf-8") == theirs  # the other writer's version stays
    assert "MLSEC03-BP01:\n    status: implemented\n" in theirs  # and ours saved before it
    assert "[3/5]" not in result.output  # the walk stopped at the conflict


def test_a_practice_answered_meanwhile_is_not_asked_again(
    app: typer.Typer, tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\n", encoding="utf-8")
    typed(
        monkeypatch,
        "i",  # MLSEC03-BP01 ...
        other_edit(path, "workload: {name: w}\n", "workload: {name: w}\nanswers:\n  MLSEC03-BP02: {status: partial}\n"),
        "",  # ... saved: the save reads the other writer's answer to BP02
        "q",  # at MLSEC03-BP03
    )
    result = run(app, ["review", str(tmp_path), "--question", "MLSEC03", "--no-scan"])
    assert result.exit_code == 0, result.output
    assert "[2/5] MLSEC03-BP02: answered in the file meanwhile (partial); skipped" in result.output
    assert "[3/5] MLSEC03-BP03" in result.output
    assert "Saved 1 answers" in result.output
    assert load_answers(path, lens=lens).answers["MLSEC03-BP02"].status == "partial"


def test_a_file_deleted_or_broken_meanwhile_is_not_overwritten(
    app: typer.Typer, tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\n", encoding="utf-8")
    typed(monkeypatch, "i", "", path.unlink, "m", "")
    gone = run(app, ["review", str(tmp_path), "--question", "MLSEC03", "--no-scan"])
    assert gone.exit_code == 2
    assert gone.stderr.startswith(f"error: {path}: was deleted while answers were being edited; not recreated")
    assert "(unsaved: MLSEC03-BP02: missing). Restore it" in gone.stderr
    assert not path.exists()

    path.write_text("workload: {name: w}\n", encoding="utf-8")
    typed(monkeypatch, "i", "", other_edit(path, "workload: {name: w}", "workload: {name: w"), "m", "")
    broken = run(app, ["review", str(tmp_path), "--question", "MLSEC03", "--no-scan"])
    assert broken.exit_code == 2
    assert "no longer reads (malformed YAML at line" in broken.stderr
    assert broken.stderr.rstrip().endswith(f"Fix it, then run `mllens review {tmp_path}` again.")
    assert "workload: {name: w\n" in path.read_text(encoding="utf-8")


def test_a_project_where_mllens_yaml_cannot_be_written_is_one_line(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(path: Path, data: str | bytes) -> None:
        raise OSError(30, "Read-only file system", str(path))

    monkeypatch.setattr("mllens.answers.io.write_atomic", read_only)
    result = run(app, ["review", str(tmp_path), "--no-scan"], "w\n")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'mllens.yaml'}: cannot write (Read-only file system)\n"


# --- choosing what to walk ----------------------------------------------------------------


def test_practice_walks_only_that_practice_in_either_numbering(
    app: typer.Typer, tmp_path: Path, lens: Lens
) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\nanswers:\n  MLSEC-04: {status: partial, notes: subnets}\n", encoding="utf-8")
    result = run(app, ["review", str(tmp_path), "--practice", "mlsec-04", "--no-scan"], "i\n\n")
    assert result.exit_code == 0, result.output
    assert "[1/1] MLSEC03-BP02 (MLSEC-04)" in result.output
    assert "Answered now: partial, notes 'subnets' (s keeps it)" in result.output  # asked though answered
    assert "Saved 1 answers to" in result.output
    answer = load_answers(path, lens=lens).answers["MLSEC03-BP02"]
    assert (answer.status, answer.notes) == ("implemented", "subnets")
    current = run(app, ["review", str(tmp_path), "--practice", "MLSEC05-BP01", "--no-scan"], "m\n\n")
    assert "[1/1] MLSEC05-BP01 (MLSEC-11)" in current.output
    assert load_answers(path, lens=lens).answers["MLSEC05-BP01"].status == "missing"


def test_practice_with_non_interactive_lists_only_it(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    result = run(app, ["review", str(tmp_path), "--non-interactive", "--practice", "MLSEC-04"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "1 practices have no answer yet:",
        "  security: 1 of 13: MLSEC03-BP02",
    ]
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\nanswers: {MLSEC-04: {status: missing}}\n")
    done = run(app, ["review", str(tmp_path), "--non-interactive", "--practice", "MLSEC03-BP02"])
    assert done.output.splitlines()[1:] == ["Every practice in scope has an answer."]


def test_question_takes_a_question_or_a_practice_in_either_numbering(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    expected = "  security: 5 of 13: MLSEC03-BP01, MLSEC03-BP02, MLSEC03-BP03, MLSEC03-BP04, MLSEC03-BP05"
    for given in ("MLSEC03", " mlsec03 ", "MLSEC-04", "MLSEC03-BP02"):
        result = run(app, ["review", str(tmp_path), "--non-interactive", "--question", given])
        assert result.exit_code == 0, (given, result.output)
        assert result.stdout.splitlines()[-1] == expected, given
    via_practice = run(app, ["review", str(tmp_path), "--non-interactive", "--question", "MLSEC-04"])
    assert via_practice.stderr == (
        "note: --question MLSEC-04: practice MLSEC03-BP02 belongs to question MLSEC03, so all of "
        "MLSEC03 is in scope (--practice MLSEC-04 for that practice alone)\n"
    )


def test_question_is_repeatable_as_the_plan_asks_it(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    result = run(app, ["review", str(tmp_path), "--non-interactive", "--question", "MLSEC03", "--question", "MLREL05"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "  security: 5 of 13: MLSEC03-BP01, MLSEC03-BP02, MLSEC03-BP03, MLSEC03-BP04, MLSEC03-BP05",
        "  reliability: 2 of 13: MLREL05-BP01, MLREL05-BP02",
    ]


def test_unknown_or_mismatched_ids_name_the_option_and_the_id_shapes(app: typer.Typer, tmp_path: Path) -> None:
    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\n", encoding="utf-8")
    shapes = "(questions look like MLOPS01, practices like MLOPS01-BP01 or MLOE-01)"
    cases = {
        ("--practice", "MLSEC03-BP09"): f"error: --practice: 'MLSEC03-BP09' is not a practice of lens ml {shapes}",
        ("--practice", "MLSEC03"): f"error: --practice: 'MLSEC03' is not a practice of lens ml {shapes}",
        ("--question", "SEC1"): f"error: --question: 'SEC1' is not a question of lens ml {shapes}",
        ("--question", "MLSEC-99"): f"error: --question: 'MLSEC-99' is not a question of lens ml {shapes}",
    }
    for args, message in cases.items():
        result = run(app, ["review", str(tmp_path), *args])
        assert result.exit_code == 2, args
        assert result.stderr.strip() == message
    both = run(app, ["review", str(tmp_path), "--practice", "MLSEC-04", "--question", "MLOPS01"])
    assert both.exit_code == 2
    assert both.stderr.strip() == (
        "error: --practice: practice MLSEC03-BP02 is in MLSEC03, not in --question MLOPS01; "
        "drop one of the two options"
    )
    pillar = run(app, ["review", str(tmp_path), "--practice", "MLSEC-04", "--pillar", "cost_optimization"])
    assert "practice MLSEC03-BP02 is in security, not in --pillar cost_optimization" in pillar.stderr
    agrees = run(app, ["review", str(tmp_path), "--non-interactive", "--practice", "MLSEC-04", "--pillar", "security"])
    assert agrees.exit_code == 0


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
    assert pillar.stderr.startswith("error: --pillar: expected one of operational_excellence, security,")
    assert pillar.stderr.endswith(", sustainability, got 'speed'\n")
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
    assert "| MLPERF03 | ⚪ UNANSWERED | 🟠 MEDIUM | |" in text


def test_report_terminal_and_bad_format(app: typer.Typer, tmp_path: Path) -> None:
    scan = {"scan": fake_scan([FINDING])}
    result = run(app, ["report", str(tmp_path)], obj=scan)
    assert result.exit_code == 0, result.output
    assert f"mllens review: {tmp_path.name} (lens ml" in result.stdout
    assert "HIGH risks (1)" in result.stdout
    assert "infra/main.tf:42: no KMS key" in result.stdout
    bad = run(app, ["report", str(tmp_path), "--format", "xml"], obj=scan)
    assert bad.exit_code == 2
    assert bad.stderr == "error: --format: expected one of terminal, markdown, json, html, sarif, pdf, got 'xml'\n"


# --- option values: --stack, --exclude ----------------------------------------------------


def test_report_stack_takes_the_lens_stacks_only(app: typer.Typer, tmp_path: Path) -> None:
    scan = {"scan": fake_scan([FINDING])}
    noted = run(app, ["report", str(tmp_path), "--stack", "open-source"], obj=scan)  # the design's spelling
    assert noted.exit_code == 0, noted.output
    assert "open_source: " in noted.stdout
    assert "open_source: " in run(app, ["report", str(tmp_path), "--stack", "OPEN_SOURCE"], obj=scan).stdout
    bad = run(app, ["report", str(tmp_path), "--stack", "foo"], obj=scan)
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert bad.stderr == "error: --stack: expected one of aws, gcp, azure, open_source, got 'foo'\n"


def test_report_and_review_pass_the_exclude_list_to_the_scan(app: typer.Typer, tmp_path: Path) -> None:
    asked: list[list[str]] = []

    def scan(path: str, *, use_cache: bool = True, progress: bool = False, exclude: Sequence[str] = ()) -> ScanResult:
        asked.append(list(exclude))
        return ScanResult(root=path, files_scanned=0, duration_s=0.0)

    (tmp_path / "mllens.yaml").write_text("workload: {name: w}\nscan: {exclude: [data/]}\n", encoding="utf-8")
    report = run(app, ["report", str(tmp_path), "--exclude", "tests/", "--exclude", "*.ipynb"], obj={"scan": scan})
    assert report.exit_code == 0, report.output
    review = run(app, ["review", str(tmp_path), "--exclude", "tests/"], stdin="q\n", obj={"scan": scan})
    assert review.exit_code == 0, review.output
    assert asked == [["data/", "tests/", "*.ipynb"], ["data/", "tests/"]]
