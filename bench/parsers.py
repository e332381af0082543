"""The scanner's parsers against tree-sitter grammars: speed, load cost, memory, and sameness.

For each family (HCL, Bicep, Dockerfile), on the files the scan bench builds (the synthetic
tree's .tf files, bench/scan_speed.py) and every such file under tests/ and examples/:

- parse speed: every file parsed once per round, best of --rounds, in KB/s
- load: import plus grammar load plus one tiny parse, in a fresh process (median of 5)
- memory: peak RSS growth of a fresh process that loads the parser and parses the corpus,
  keeping every result (Linux: /proc/self/status)
- sameness: HCL, the tree-sitter reader's dict (the scanner's) against python-hcl2's
  (bench/hcl2_reference.py) for every file, error lines included; Bicep, the tree-sitter
  reader's resources and properties against the retired line reader's (from git history);
  Dockerfile, the files tree-sitter reads without an error node.

"ours" is the parser the scanner had: python-hcl2, the Bicep line reader, the Dockerfile
splitter (still the scanner's: tree-sitter's parse plus one walk over every node, the least
a reader built on it must do, is no faster). Ratios are tree-sitter / ours (below 1: faster).
Run: .venv/bin/python bench/parsers.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
# The hand-written parsers that tree-sitter replaced, read from the last commit that had them
# (module name -> (commit, path)); written to a temporary folder on the import path.
RETIRED = {"bicep_lines": ("c0c1f24", "src/mllens/scan/parse/bicep.py")}
REFERENCE_DIR = Path(tempfile.gettempdir()) / "mllens-bench-parsers"
sys.path.insert(0, str(REFERENCE_DIR))

# family -> (ours, tree-sitter): import lines and the parse expression over `text` (a str)
LOADERS = {
    "hcl": (
        ("from hcl2_reference import parse_hcl", "parse_hcl(text)"),
        ("from mllens.scan.parse.hcl import parse_hcl", "parse_hcl(text)"),
    ),
    "bicep": (
        ("from bicep_lines import parse_bicep", "parse_bicep(text)"),
        ("from mllens.scan.parse.bicep import parse_bicep", "parse_bicep(text)"),
    ),
    "dockerfile": (
        ("from mllens.scan.parse.dockerfile import parse_dockerfile", "parse_dockerfile(text)"),
        ("from parsers import ts_walk", "ts_walk('dockerfile', text)"),
    ),
}
SAMPLE = {"hcl": 'a = "b"\n', "bicep": "param a string = 'b'\n", "dockerfile": "FROM a\n"}


def ts_walk(grammar: str, text: str) -> int:
    """Parse with the grammar's tree-sitter wheel and visit every node (a reader's floor)."""
    from mllens.scan.parse.treesitter import parser

    cursor = parser(grammar).parse(text.encode("utf-8")).walk()
    count = 0
    while True:
        count += 1
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


def retired_parsers() -> None:
    """Write each retired parser's source from git history where the bench can import it."""
    REFERENCE_DIR.mkdir(exist_ok=True)
    for module, (commit, path) in RETIRED.items():
        source = subprocess.run(["git", "show", f"{commit}:{path}"], capture_output=True, text=True, check=True,
                                cwd=ROOT).stdout
        (REFERENCE_DIR / f"{module}.py").write_text(source)


def corpus() -> dict[str, list[tuple[str, str]]]:
    """(name, text) per family: the bench tree's .tf files, then tests/ and examples/."""
    import scan_speed

    files: dict[str, list[tuple[str, str]]] = {"hcl": [], "bicep": [], "dockerfile": []}
    files["hcl"] = [(f"bench:endpoint_{i}.tf", scan_speed.TF.format(i=i)) for i in range(40)]
    for top in ("tests", "examples"):
        for path in sorted((ROOT / top).rglob("*")):
            name = path.name.lower()
            family = ("hcl" if name.endswith(".tf") else "bicep" if name.endswith(".bicep")
                      else "dockerfile" if name == "dockerfile" or name.startswith("dockerfile.")
                      or name.endswith(".dockerfile") else None)
            if family and path.is_file():
                files[family].append((str(path.relative_to(ROOT)), path.read_text("utf-8", "replace")))
    return files


def _child(mode: str, family: str, side: int) -> None:
    """In a fresh process: `load` times import + grammar + one parse; `memory` parses the corpus."""
    imports, call = LOADERS[family][side]
    if mode == "load":
        started = time.perf_counter()
        text = SAMPLE[family]
        exec(imports)
        eval(call)
        print(json.dumps({"load_s": time.perf_counter() - started}))
        return
    texts = [t for _, t in corpus()[family]]
    Path("/proc/self/clear_refs").write_text("5")  # the peak so far (reading the corpus) is not the parser's
    base = _rss_mb("VmHWM")
    namespace: dict[str, Any] = {}
    exec(imports, namespace)
    kept = []
    for text in texts:
        namespace["text"] = text
        try:
            kept.append(eval(call, namespace))
        except Exception:
            kept.append(None)
    print(json.dumps({"memory_mb": _rss_mb("VmHWM") - base}))


def _rss_mb(field: str) -> float:
    """A memory figure of this process from /proc (Linux): VmHWM is the peak resident size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _in_child(mode: str, family: str, side: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, family, str(side)],
        capture_output=True, text=True, check=True, cwd=ROOT, env=_env(),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _env() -> dict[str, str]:
    import os

    path = f"{ROOT / 'src'}:{ROOT / 'bench'}:{REFERENCE_DIR}"
    return {**os.environ, "PYTHONPATH": path, "PYTHONWARNINGS": "ignore"}


def _parse_all(fn: Callable[[str], Any], texts: list[str]) -> None:
    for text in texts:
        try:  # noqa: SIM105 - a malformed file costs its parse time all the same
            fn(text)
        except Exception:
            pass


def speed(fn: Callable[[str], Any], texts: list[str], rounds: int) -> float:
    """Best wall time over `rounds` to parse every text once (after one warm-up round)."""
    _parse_all(fn, texts)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        _parse_all(fn, texts)
        best = min(best, time.perf_counter() - started)
    return best


def hcl_sameness(files: list[tuple[str, str]]) -> list[str]:
    """One line per file where the tree-sitter reader and python-hcl2 disagree."""
    from hcl2_reference import parse_hcl as reference

    from mllens.scan.parse.errors import ParseError
    from mllens.scan.parse.hcl import parse_hcl

    problems = []
    for name, text in files:
        outcomes = []
        for fn in (reference, parse_hcl):
            try:
                outcomes.append(fn(text))
            except ParseError as exc:
                outcomes.append(("parse error at line", exc.line))
        if outcomes[0] != outcomes[1]:
            problems.append(f"{name}: python-hcl2 {str(outcomes[0])[:80]} / tree-sitter {str(outcomes[1])[:80]}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, family, side = args.child
        _child(mode, family, int(side))
        return
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)  # old grammar wheels hand tree-sitter an int
    retired_parsers()
    files = corpus()
    print(f"{'family':<11} {'files':>5} {'KB':>6} | {'parse KB/s ours':>15} {'tree-sitter':>11} {'ratio':>6} |"
          f" {'load ms ours':>12} {'ts':>6} {'ratio':>6} | {'mem MB ours':>11} {'ts':>5}")
    for family, entries in files.items():
        texts = [t for _, t in entries]
        size_kb = sum(len(t.encode()) for t in texts) / 1024
        times = []
        for side in (0, 1):
            imports, call = LOADERS[family][side]
            namespace: dict[str, Any] = {}
            exec(imports, namespace)
            fn = eval(f"lambda text: {call}", namespace)
            times.append(speed(fn, texts, args.rounds))
        loads = [statistics.median(_in_child("load", family, side)["load_s"] for _ in range(5)) for side in (0, 1)]
        memory = [_in_child("memory", family, side)["memory_mb"] for side in (0, 1)]
        print(f"{family:<11} {len(texts):>5} {size_kb:>6.0f} |"
              f" {size_kb / times[0]:>15,.0f} {size_kb / times[1]:>11,.0f}"
              f" {times[1] / times[0]:>6.2f} | {loads[0] * 1000:>12.0f} {loads[1] * 1000:>6.0f}"
              f" {loads[1] / loads[0]:>6.2f} | {memory[0]:>11.1f} {memory[1]:>5.1f}")
    problems = hcl_sameness(files["hcl"])
    print(f"HCL sameness: {len(files['hcl']) - len(problems)} of {len(files['hcl'])} files give the same dict"
          " (or a parse error on the same line) from tree-sitter as from python-hcl2")
    for line in problems:
        print("  " + line)
    from bicep_lines import parse_bicep as retired

    from mllens.scan.parse.bicep import parse_bicep

    def shape(text: str, reader: Callable[[str], Any]) -> list[tuple[Any, ...]]:
        return [(r.symbol, r.type, r.api_version, r.line, r.existing,
                 {k: [(v.text, v.line, v.literal) for v in vs] for k, vs in r.props.items()}) for r in reader(text)]

    differ = [n for n, t in files["bicep"] if shape(t, retired) != shape(t, parse_bicep)]
    unlike = ": not " + ", ".join(differ) if differ else ""
    print(f"Bicep sameness: {len(files['bicep']) - len(differ)} of {len(files['bicep'])} files give the same"
          f" resources and properties from tree-sitter as from the line reader{unlike}")
    from mllens.scan.parse.treesitter import parser as ts_parser

    for family in ("bicep", "dockerfile"):
        bad = [n for n, t in files[family] if ts_parser(family).parse(t.encode()).root_node.has_error]
        print(f"{family}: tree-sitter reads {len(files[family]) - len(bad)} of {len(files[family])} files"
              f" without an error node{': not ' + ', '.join(bad) if bad else ''}")


if __name__ == "__main__":
    main()
