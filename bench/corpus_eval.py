"""Recall and precision of the scanner on the development corpus (issue 11).

Each `bench/corpus/OWNER__NAME.yaml` lists what a reviewer read in one public repository
at a fixed commit (facts: file, optional line, practice, supports|contradicts) and the
paths that must decide nothing (traps). This script scans every such repository found
under the corpus folder (`--corpus`, default /work/corpus, one folder OWNER__NAME each;
absent ones are listed as skipped) the way `mllens scan --format json --no-cache` does,
and prints per repository and overall:

- how many facts were written before scanning and how many were added on a second reading
  (`second_reading: true`: a fact the reviewer missed, found when an unmatched evidence item
  sent them back to the file); recall and precision are also given over the facts written
  before scanning alone (recall_1st, precision_1st), since second-reading facts flatter both;
- recall of strengths (supports facts found) and of gaps (contradicts facts found), and overall;
- precision: of the supports/contradicts evidence in the files the facts name (plus any
  that decides something in a trap path), the share that matches a fact;
- trap violations: evidence in a trap path that decides a practice (file_class project or
  test, or no file_class at all); each one is also a false positive;
- the scan's wall time.

A fact is found by evidence of the same file, practice and outcome that decides (its
file_class is project or test): within 3 lines of the fact's line, or with no line when the
fact names no line (a whole-file fact). Evidence is matched by the same rule.

Run: .venv/bin/python bench/corpus_eval.py [--corpus DIR] [--repo OWNER/NAME ...] [--json] [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mllens.errors import InputError, MllensError
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens
from mllens.validation import validate_model
from mllens.yamlio import read_yaml

HERE = Path(__file__).resolve().parent
EXPECTATIONS = HERE / "corpus"
DEFAULT_CORPUS = Path("/work/corpus")
LINE_SLACK = 3
DECIDING = frozenset({"project", "test"})
JUDGING = frozenset({"supports", "contradicts"})


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    file: str = Field(min_length=1)
    line: int | None = Field(default=None, ge=1)
    practice: str = Field(pattern=r"^ML(OPS|SEC|REL|PERF|COST|SUS)\d\d-BP\d\d$")
    outcome: Literal["supports", "contradicts"]
    note: str = Field(min_length=1)
    # True for a fact added after the scan, when reading the file again for an unmatched evidence
    # item showed the reviewer had missed it; the figures count these apart to stay honest.
    second_reading: bool = False


class Trap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    why: str = Field(min_length=1)

    def holds(self, file: str) -> bool:
        """Whether `file` is this trap: the file itself, or under it when the path ends in /."""
        return file.startswith(self.path) if self.path.endswith("/") else file == self.path


class Expectations(BaseModel):
    """One bench/corpus/OWNER__NAME.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repository: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    stack: str = Field(min_length=1)
    written_before_scanning: bool
    facts: list[Fact] = Field(min_length=1)
    traps: list[Trap] = []

    @property
    def folder(self) -> str:
        return self.repository.replace("/", "__")


@dataclass(frozen=True)
class Item:
    """One piece of evidence, as `mllens scan --format json` prints it (the keys scored here)."""

    rule: str
    practice: str
    outcome: str
    file: str
    line: int | None
    message: str = ""
    file_class: str | None = None  # absent in reports written before files had classes

    @property
    def decides(self) -> bool:
        return self.outcome in JUDGING and (self.file_class is None or self.file_class in DECIDING)


def load_expectations(path: Path, *, lens: Lens) -> Expectations:
    """A corpus file, validated; one InputError naming the file and the field when it is not right."""
    name = str(path)
    data = read_yaml(path, display=name)
    exp = validate_model(Expectations, data, file=name)
    seen: set[str] = set()
    for i, fact in enumerate(exp.facts):
        if fact.id in seen:
            where = f"facts[{i}].id"
            raise InputError(f"expected a unique fact id, got {fact.id!r} a second time", file=name, field=where)
        seen.add(fact.id)
        if lens.resolve(fact.practice) != fact.practice:
            raise InputError(
                f"expected a current practice id of the lens (see `mllens lens show`), got {fact.practice!r}",
                file=name,
                field=f"facts[{i}].practice",
            )
    if path.stem != exp.folder:
        raise InputError(f"expected the file to be named {exp.folder}.yaml for {exp.repository}", file=name)
    return exp


def matches(fact: Fact, item: Item) -> bool:
    """Whether `item` is evidence of `fact` (file, practice, outcome, and the line rule)."""
    if (item.file, item.practice, item.outcome) != (fact.file, fact.practice, fact.outcome):
        return False
    if fact.line is None:  # a whole-file fact: rules anchor such findings at some line (FROM, the first pin)
        return True
    return item.line is not None and abs(item.line - fact.line) <= LINE_SLACK


@dataclass
class Score:
    """What one repository (or the sum of several) scored."""

    first_reading: int = 0  # facts written before scanning
    second_reading: int = 0  # facts added on a second reading, after the scan
    strengths: int = 0
    strengths_found: int = 0
    gaps: int = 0
    gaps_found: int = 0
    first_found: int = 0  # facts written before scanning that were found
    judged: int = 0  # evidence items scored for precision
    matched: int = 0
    matched_first: int = 0  # ... that match a fact written before scanning
    trap_violations: int = 0
    seconds: float = 0.0
    missed: list[Fact] = field(default_factory=list)
    unmatched: list[Item] = field(default_factory=list)  # false positives, trap violations included
    traps_hit: list[Item] = field(default_factory=list)
    elsewhere: dict[str, list[Item]] = field(default_factory=dict)  # fact id -> non-deciding look-alikes

    @staticmethod
    def ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    def figures(self) -> dict[str, Any]:
        return {
            "facts": {"first_reading": self.first_reading, "second_reading": self.second_reading},
            "strengths": {"found": self.strengths_found, "total": self.strengths},
            "gaps": {"found": self.gaps_found, "total": self.gaps},
            "recall_strengths": self.ratio(self.strengths_found, self.strengths),
            "recall_gaps": self.ratio(self.gaps_found, self.gaps),
            "recall": self.ratio(self.strengths_found + self.gaps_found, self.strengths + self.gaps),
            "precision": self.ratio(self.matched, self.judged),
            # Second-reading facts were written after seeing the scan, so they flatter both
            # figures: these two count only the facts written before scanning.
            "recall_first_reading": self.ratio(self.first_found, self.first_reading),
            "precision_first_reading": self.ratio(self.matched_first, self.judged),
            "evidence_scored": self.judged,
            "evidence_matched": self.matched,
            "trap_violations": self.trap_violations,
            "scan_s": round(self.seconds, 2),
        }

    def add(self, other: Score) -> None:
        counted = ("first_reading", "second_reading", "strengths", "strengths_found", "gaps", "gaps_found")
        for name in (*counted, "first_found", "judged", "matched", "matched_first", "trap_violations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds


def score(exp: Expectations, items: Iterable[Item], *, seconds: float = 0.0) -> Score:
    """Recall, precision and trap violations of `items` against one repository's expectations."""
    items = list(items)
    deciding = [i for i in items if i.decides]
    out = Score(seconds=seconds)
    for fact in exp.facts:
        if fact.second_reading:
            out.second_reading += 1
        else:
            out.first_reading += 1
        found = any(matches(fact, item) for item in deciding)
        if found and not fact.second_reading:
            out.first_found += 1
        if fact.outcome == "supports":
            out.strengths += 1
            out.strengths_found += found
        else:
            out.gaps += 1
            out.gaps_found += found
        if not found:
            out.missed.append(fact)
            alike = [i for i in items if not i.decides and i.outcome in JUDGING and matches(fact, i)]
            if alike:
                out.elsewhere[fact.id] = alike
    named = {fact.file for fact in exp.facts}
    for item in deciding:
        trapped = any(trap.holds(item.file) for trap in exp.traps)
        if trapped:
            out.trap_violations += 1
            out.traps_hit.append(item)
        elif item.file not in named:
            continue
        out.judged += 1
        if not trapped and any(matches(fact, item) for fact in exp.facts):
            out.matched += 1
            out.matched_first += any(matches(fact, item) for fact in exp.facts if not fact.second_reading)
        else:
            out.unmatched.append(item)
    return out


def scan_items(folder: Path) -> tuple[list[Item], float]:
    """The evidence of a no-cache scan of `folder`, as the JSON report holds it, and the wall time."""
    from mllens.workflow import review_project

    lens = load_shipped_lens()
    start = time.perf_counter()
    review, _ = review_project(folder, use_cache=False, progress=False)
    seconds = time.perf_counter() - start
    items = [
        Item(
            rule=e.rule,
            practice=lens.resolve(e.practice) or e.practice,
            outcome=e.outcome,
            file=e.file,
            line=e.line,
            message=e.message,
            file_class=e.file_class,
        )
        for e in review.evidence
    ]
    return items, seconds


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _where(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line is not None else file


def table(rows: Sequence[tuple[str, Score]], skipped: Sequence[str]) -> str:
    """The figures as a plain text table, one row per repository and a total."""
    head = ("repository", "facts 1st+2nd", "strengths", "gaps", "recall_s", "recall_g", "recall", "precision",
            "recall_1st", "precision_1st", "traps", "scan_s")
    body = []
    for name, s in rows:
        f = s.figures()
        body.append(
            (
                name,
                f"{s.first_reading}+{s.second_reading}",
                f"{s.strengths_found}/{s.strengths}",
                f"{s.gaps_found}/{s.gaps}",
                _pct(f["recall_strengths"]),
                _pct(f["recall_gaps"]),
                _pct(f["recall"]),
                f"{_pct(f['precision'])} ({s.matched}/{s.judged})",
                f"{_pct(f['recall_first_reading'])} ({s.first_found}/{s.first_reading})",
                _pct(f["precision_first_reading"]),
                str(s.trap_violations),
                f"{s.seconds:.1f}",
            )
        )
    widths = [max(len(r[i]) for r in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in (head, *body)]
    lines.insert(1, "-" * len(lines[0]))
    if len(body) > 1:
        lines.insert(len(lines) - 1, "-" * len(lines[0]))
    lines += [f"skipped (not under the corpus folder): {name}" for name in skipped]
    return "\n".join(lines) + "\n"


def misses(name: str, s: Score) -> str:
    """Missed facts and unmatched evidence of one repository, one line each."""
    lines = [f"== {name}"]
    lines.append(f"missed facts ({len(s.missed)}):")
    for fact in s.missed:
        lines.append(f"  {fact.outcome:<11} {fact.practice}  {_where(fact.file, fact.line)}  [{fact.id}] {fact.note}")
        for item in s.elsewhere.get(fact.id, []):
            lines.append(f"      only in a {item.file_class} file: {item.rule} {_where(item.file, item.line)}")
    lines.append(f"unmatched evidence ({len(s.unmatched)}):")
    for item in s.unmatched:
        trap = "  TRAP" if item in s.traps_hit else ""
        lines.append(
            f"  {item.outcome:<11} {item.practice}  {_where(item.file, item.line)}  {item.rule}"
            f" ({item.file_class or 'no class'}){trap}: {item.message[:140]}"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder holding OWNER__NAME checkouts")
    parser.add_argument("--expectations", type=Path, default=EXPECTATIONS, help="folder of the corpus YAML files")
    parser.add_argument("--repo", action="append", default=[], metavar="OWNER/NAME", help="only these (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="list missed facts and unmatched evidence")
    args = parser.parse_args(argv)
    try:
        lens = load_shipped_lens()
        files = sorted(args.expectations.glob("*.yaml"))
        if not files:
            raise InputError("expected corpus files (*.yaml), found none", file=str(args.expectations))
        every = [load_expectations(path, lens=lens) for path in files]
        unknown = set(args.repo) - {e.repository for e in every}
        if unknown:
            raise InputError(f"no corpus file for {', '.join(sorted(unknown))}", field="--repo")
        chosen = [e for e in every if not args.repo or e.repository in args.repo]
        rows: list[tuple[str, Score]] = []
        skipped: list[str] = []
        for exp in chosen:
            folder = args.corpus / exp.folder
            if not folder.is_dir():
                skipped.append(exp.repository)
                continue
            if not args.json:
                print(f"scanning {exp.repository} ...", file=sys.stderr, flush=True)
            items, seconds = scan_items(folder)
            rows.append((exp.repository, score(exp, items, seconds=seconds)))
    except MllensError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    total = Score()
    for _, s in rows:
        total.add(s)
    if args.json:
        out: dict[str, Any] = {
            "repositories": {name: s.figures() for name, s in rows},
            "overall": total.figures(),
            "skipped": skipped,
        }
        if args.misses:
            for name, s in rows:
                out["repositories"][name]["missed"] = [f.id for f in s.missed]
                out["repositories"][name]["unmatched"] = [vars(i) for i in s.unmatched]
        print(json.dumps(out, indent=2))
        return 0
    if args.misses:
        for name, s in rows:
            print(misses(name, s))
    print(table([*rows, ("overall", total)] if len(rows) > 1 else rows, skipped), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
