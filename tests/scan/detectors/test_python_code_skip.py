"""python_code.skip_file rules a module out only when running every rule on it finds nothing.

Checked two ways: the rules' own code (each runs one signal of SIGNALS, or reads test
modules only), and the family run on the python_code fixtures and random mixes of their
lines, under test and non-test paths, with and without the hook."""

from __future__ import annotations

import ast
import inspect
import random
from pathlib import Path

from mllens.scan.code.sources import module_code
from mllens.scan.code.triggers import quiet
from mllens.scan.context import FileContext, ParsedFile, ProjectIndex
from mllens.scan.detectors import python_code
from mllens.scan.engine import _PARSERS
from mllens.scan.registry import families

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "python_code"
FAMILY = next(f for f in families() if f.name == "python_code")
PATHS = ("src/train.py", "util.py", "tests/test_model.py", "pkg/conftest.py")


def _run(path: str, text: str, *, hook: bool) -> list[tuple[str, int | None, str]]:
    parsed = ParsedFile(path, "python", text, parser=_PARSERS["python"])
    if hook and FAMILY.skip is not None and FAMILY.skip(parsed):
        return []
    found: list[tuple[str, int | None, str]] = []
    for rule in FAMILY.file_rules():
        ctx = FileContext(rule, file=parsed, index=ProjectIndex(()))
        rule.func(ctx)
        found += [(e.rule, e.line, e.message) for e in ctx.evidence]
        found += [(rule.id, None, repr(sorted(ctx.facts.items())))] if ctx.facts else []
    return found


def test_every_rule_runs_a_listed_signal_or_reads_tests_only() -> None:
    source = ast.parse(inspect.getsource(python_code))
    listed = {getattr(s, "__name__", "") for s in python_code.SIGNALS}
    for rule in FAMILY.file_rules():
        func = next(n for n in source.body if isinstance(n, ast.FunctionDef) and n.name == rule.name)
        runs = [c for c in ast.walk(func) if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "run"]
        assert len(runs) == 1, f"{rule.id}: one run(signal, ...) call expected"
        signal = runs[0].args[0]
        name = signal.attr if isinstance(signal, ast.Attribute) else getattr(signal, "id", "")
        assert name in listed or name == "ml_tests", f"{rule.id} runs {name}, not in SIGNALS"


def test_hook_changes_nothing_on_fixtures_and_mixes() -> None:
    files = sorted(FIXTURES.rglob("*.py"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    lines = [line for t in texts for line in t.splitlines() if line.strip() and not line[0].isspace()]
    rng = random.Random(17)
    mixes = ["\n".join(rng.sample(lines, rng.randint(1, 6))) + "\n" for _ in range(250)]
    skipped = 0
    for text in texts + mixes:
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        for path in PATHS:
            with_hook = _run(path, text, hook=True)
            assert with_hook == _run(path, text, hook=False), (path, text)
            skipped += FAMILY.skip(ParsedFile(path, "python", text, parser=_PARSERS["python"]))  # type: ignore[misc]
    assert skipped > 10  # the hook does rule modules out


def test_plain_helper_module_is_skipped_without_parsing() -> None:
    text = "import json\n\ndef load(p):\n    return json.loads(open(p).read())\n"
    parsed = ParsedFile("src/util.py", "python", text, parser=_PARSERS["python"])
    assert FAMILY.skip is not None and FAMILY.skip(parsed) and not parsed.parsed
    assert not quiet(module_code(ParsedFile("src/t.py", "python", "import mlflow\n", parser=_PARSERS["python"])),
                     python_code.SIGNALS)
    assert not FAMILY.skip(ParsedFile("tests/test_util.py", "python", text, parser=_PARSERS["python"]))
