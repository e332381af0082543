"""bench/corpus_eval.py: the matching and scoring of evidence against a corpus file
(synthetic corpus and evidence: the real corpus is never needed by the tests)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mllens.errors import InputError
from mllens.lens.load import load_shipped_lens

ROOT = Path(__file__).resolve().parents[2]

CORPUS = """\
repository: acme/ml-demo
commit: 0123456789abcdef0123456789abcdef01234567
stack: AWS, Terraform
written_before_scanning: true
facts:
  - id: endpoint-kms
    file: infra/main.tf
    line: 20
    practice: MLSEC03-BP02
    outcome: supports
    note: the endpoint config sets a KMS key
  - id: single-instance
    file: infra/main.tf
    line: 30
    practice: MLREL05-BP01
    outcome: contradicts
    note: one instance and no autoscaling
  - id: tests-in-ci
    file: buildspec.yml
    practice: MLREL03-BP01
    outcome: supports
    note: the build runs pytest
  - id: unpinned
    file: requirements.txt
    practice: MLOPS04-BP02
    outcome: contradicts
    note: nothing is pinned
traps:
  - path: lambda/vendor/
    why: vendored requests
  - path: docs/example.py
    why: a library example
"""


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_eval", ROOT / "bench" / "corpus_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_eval"] = module  # pydantic resolves the models' annotations through it
    spec.loader.exec_module(module)
    return module


ce = _module()


def _write(tmp_path: Path, text: str, name: str = "acme__ml-demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _item(practice: str, outcome: str, file: str, line: int | None, file_class: str | None = "project") -> Any:
    return ce.Item(rule="fam.rule", practice=practice, outcome=outcome, file=file, line=line, file_class=file_class)


def test_scores_recall_precision_and_traps_exactly(tmp_path: Path) -> None:
    exp = ce.load_expectations(_write(tmp_path, CORPUS), lens=load_shipped_lens())
    items = [
        _item("MLSEC03-BP02", "supports", "infra/main.tf", 23),  # endpoint-kms: 3 lines off, found
        _item("MLREL05-BP01", "contradicts", "infra/main.tf", 34),  # single-instance: 4 off, missed, a false positive
        _item("MLREL03-BP01", "supports", "buildspec.yml", None),  # tests-in-ci: whole file, found
        _item("MLOPS04-BP02", "supports", "requirements.txt", None),  # wrong outcome: unpinned missed, false positive
        _item("MLOPS04-BP02", "contradicts", "requirements.txt", 3),  # any line finds a whole-file fact
        _item("MLREL05-BP01", "contradicts", "infra/main.tf", 30, "vendored"),  # decides nothing: not scored
        _item("MLSEC03-BP02", "info", "infra/main.tf", 20),  # info: not scored
        _item("MLSEC03-BP01", "supports", "other.py", 5),  # a file no fact names: not scored
        _item("MLSEC03-BP02", "contradicts", "lambda/vendor/requests/api.py", 9),  # trap (project class)
        _item("MLSEC03-BP02", "contradicts", "docs/example.py", 1, None),  # trap (no class given)
        _item("MLSEC03-BP02", "contradicts", "lambda/vendor/x.py", 2, "vendored"),  # classed vendored: fine
    ]
    s = ce.score(exp, items, seconds=1.5)
    assert s.figures() == {
        "facts": {"first_reading": 4, "second_reading": 0},
        "strengths": {"found": 2, "total": 2},
        "gaps": {"found": 1, "total": 2},
        "recall_strengths": 1.0,
        "recall_gaps": 0.5,
        "recall": 0.75,
        "precision": 0.429,  # 3 matched of 7 scored (5 in fact files + 2 trap violations)
        "recall_first_reading": 0.75,  # every fact here was written before scanning
        "precision_first_reading": 0.429,
        "evidence_scored": 7,
        "evidence_matched": 3,
        "trap_violations": 2,
        "scan_s": 1.5,
    }
    assert [f.id for f in s.missed] == ["single-instance"]
    assert [i.file for i in s.traps_hit] == ["lambda/vendor/requests/api.py", "docs/example.py"]
    # the missed gap was seen, but only in a file that decides nothing
    assert [i.file_class for i in s.elsewhere["single-instance"]] == ["vendored"]


def test_facts_found_on_a_second_reading_are_counted_apart(tmp_path: Path) -> None:
    second = CORPUS.replace(
        "traps:\n",
        "  - id: tags-second\n    file: infra/main.tf\n    line: 5\n    practice: MLCOST04-BP12\n"
        "    outcome: supports\n    note: tags on the endpoint\n    second_reading: true\ntraps:\n",
    )
    exp = ce.load_expectations(_write(tmp_path, second), lens=load_shipped_lens())
    assert [f.second_reading for f in exp.facts] == [False, False, False, False, True]
    s = ce.score(exp, [_item("MLCOST04-BP12", "supports", "infra/main.tf", 6)])
    assert s.figures()["facts"] == {"first_reading": 4, "second_reading": 1}
    assert s.figures()["strengths"] == {"found": 1, "total": 3}  # still scored like any fact
    assert "4+1" in ce.table([("acme/ml-demo", s)], [])
    # the figures of the facts written before scanning leave the second-reading one out
    assert s.figures()["recall_first_reading"] == 0.0
    assert s.figures()["precision_first_reading"] == 0.0
    assert s.figures()["precision"] == 1.0


def test_line_window_is_three_lines_either_side(tmp_path: Path) -> None:
    exp = ce.load_expectations(_write(tmp_path, CORPUS), lens=load_shipped_lens())
    fact = exp.facts[0]  # line 20
    at = [_item("MLSEC03-BP02", "supports", "infra/main.tf", line) for line in range(10, 31)]
    found = [item.line for item in at if ce.matches(fact, item)]
    assert found == [17, 18, 19, 20, 21, 22, 23]
    assert not ce.matches(fact, _item("MLSEC03-BP02", "supports", "infra/main.tf", None))
    assert not ce.matches(fact, _item("MLSEC03-BP02", "supports", "infra/other.tf", 20))


def test_totals_add_up_over_repositories(tmp_path: Path) -> None:
    exp = ce.load_expectations(_write(tmp_path, CORPUS), lens=load_shipped_lens())
    total = ce.Score()
    total.add(ce.score(exp, [_item("MLREL03-BP01", "supports", "buildspec.yml", None)], seconds=1.0))
    total.add(ce.score(exp, [_item("MLOPS04-BP02", "contradicts", "requirements.txt", None)], seconds=2.0))
    figures = total.figures()
    assert (figures["recall"], figures["precision"], figures["scan_s"]) == (0.25, 1.0, 3.0)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (CORPUS.replace("outcome: supports\n    note: the build", "outcome: maybe\n    note: the build"),
         "facts[2].outcome", "maybe"),
        (CORPUS.replace("practice: MLREL03-BP01", "practice: MLREL-09"), "facts[2].practice", "MLREL-09"),
        (CORPUS.replace("practice: MLREL03-BP01", "practice: MLREL03-BP99"), "facts[2].practice", "MLREL03-BP99"),
        (CORPUS.replace("id: unpinned", "id: tests-in-ci"), "facts[3].id", "a second time"),
        (CORPUS.replace("commit: 0123", "commit: 123"), "commit", "123"),
        (CORPUS.replace("example\n", "example\n    reason: x\n"), "traps[1].reason", "unknown key"),
    ],
)
def test_a_malformed_corpus_file_is_one_error_naming_file_and_field(
    tmp_path: Path, text: str, field: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        ce.load_expectations(path, lens=load_shipped_lens())
    assert raised.value.file == str(path)
    assert raised.value.field == field
    assert message in str(raised.value)


def test_the_file_is_named_after_its_repository(tmp_path: Path) -> None:
    path = _write(tmp_path, CORPUS, name="acme__other.yaml")
    with pytest.raises(InputError, match=r"acme__ml-demo\.yaml"):
        ce.load_expectations(path, lens=load_shipped_lens())


def test_main_lists_absent_repositories_as_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expectations = tmp_path / "exp"
    expectations.mkdir()
    _write(expectations, CORPUS)
    assert ce.main(["--corpus", str(tmp_path / "nothing"), "--expectations", str(expectations), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"skipped": [\n    "acme/ml-demo"\n  ]' in out
