"""Data and models in the repository, and the tests that cover data and model code.

Large files are judged from the walker's index alone (size and kind: data files and model
files are never opened). Files the walker already left out (gitignored, or DVC-tracked and
so gitignored by DVC) are not in the index; pointers, DVC outputs and git LFS patterns
recorded by file rules exclude the rest.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from typing import Any

from mllens.scan.code.testfuncs import real_tests
from mllens.scan.context import FileContext, IndexedFile, ProjectContext
from mllens.scan.kinds import TEST_DIRS, TEST_PATTERNS, classify, is_test_path
from mllens.scan.registry import rule

LARGE_BYTES = 10 * 1024 * 1024
# a smaller data file is still a dataset committed to git when it sits in a data folder: a few
# thousand rows of CSV or a TFRecord shard; a sample request or a handful of rows stays under
DATASET_BYTES = 100 * 1024
_DATA_FOLDERS = frozenset({"data", "dataset", "datasets", "raw", "processed", "interim"})
_LFS = re.compile(r"^\s*(\S+)\s+.*\bfilter=lfs\b")
_DATA_LIBS = {
    "pandera": "pandera",
    "great_expectations": "Great Expectations",
    "deepchecks": "Deepchecks",
    "tensorflow_data_validation": "TFDV",
    "pydantic": None,  # too general to say "data test" on its own
    "hypothesis.extra.pandas": "Hypothesis dataframes",
}
# Module or imported names that say "this is data or model code" (not config, logging, utils).
_ML_WORDS = re.compile(
    r"data|prep|process|featur|clean|split|transform|etl|ingest|load|schema|valid|model|train|fit|predict|"
    r"infer|serv|scor|evaluat|metric|pipeline|estimator|classif|regress|embed|token",
    re.IGNORECASE,
)


def _size(num: int) -> str:
    return f"{num / (1024 * 1024):.1f} MB"





@rule()
def lfs_tracked(ctx: FileContext) -> None:
    """.gitattributes sending data or model files to git LFS."""
    if not ctx.file.path.endswith(".gitattributes"):
        return
    folder = ctx.file.path.rpartition("/")[0]
    first: tuple[str, int] | None = None
    for number, text in enumerate(ctx.file.text.splitlines(), start=1):
        found = _LFS.match(text)
        if found is None or text.lstrip().startswith("#"):
            continue
        pattern = found.group(1)
        ctx.fact("lfs_pattern", {"dir": folder, "pattern": pattern})
        ext = pattern.rpartition(".")[2].lower()
        if first is None and classify(f"x.{ext}") in ("data", "model"):
            first = (pattern, number)
    if first is not None:
        ctx.supports(line=first[1], message=f"git LFS stores {first[0]} files outside the git history")


def _lfs_match(path: str, patterns: list[dict[str, Any]]) -> bool:
    for item in patterns:
        base = str(item.get("dir", ""))
        pattern = str(item.get("pattern", ""))
        if base and not path.startswith(base + "/"):
            continue
        rel = path[len(base) + 1 :] if base else path
        if "/" in pattern.strip("/"):
            if fnmatch.fnmatchcase(rel, pattern.strip("/").replace("**/", "*").replace("/**", "/*")):
                return True
        elif fnmatch.fnmatchcase(rel.rpartition("/")[2], pattern.strip("/")):
            return True
    return False


def _dataset(f: IndexedFile) -> bool:
    """A data file in a data folder (data/, datasets/, raw/ ...), not a test's sample data:
    a test/ folder inside the data folder (data/test/) is the dataset's test split, while a
    data folder inside the tests (tests/data/) holds their samples."""
    if f.kind != "data":
        return False
    folders = [p.lower() for p in f.path.split("/")[:-1]]
    data_at = next((i for i, p in enumerate(folders) if p in _DATA_FOLDERS), None)
    if data_at is None:
        return False
    test_at = next((i for i, p in enumerate(folders) if p in TEST_DIRS), None)
    return test_at is None or test_at > data_at


def _dvc_tracked(path: str, outs: list[str], paths: set[str]) -> bool:
    if f"{path}.dvc" in paths:
        return True
    return any(path == out.rstrip("/") or path.startswith(out.rstrip("/") + "/") for out in outs)


@rule(scope="project")
def large_files(ctx: ProjectContext) -> None:
    """Data and model files over the size limit sitting in the tree (so in git)."""
    outs = [str(o) for o in ctx.facts_of("dvc_out") if isinstance(o, str)]
    lfs = [p for p in ctx.facts_of("lfs_pattern") if isinstance(p, dict)]
    paths = {f.path for f in ctx.index.files}
    large: list[IndexedFile] = []
    for f in ctx.index.files:
        if f.kind not in ("data", "model") or f.size < DATASET_BYTES or (f.size < LARGE_BYTES and not _dataset(f)):
            continue
        if _dvc_tracked(f.path, outs, paths) or _lfs_match(f.path, lfs):
            continue
        large.append(f)
    for f in large:
        what = "model file" if f.kind == "model" else "data file"
        if f.size < LARGE_BYTES:
            ctx.contradicts(file=f.path, line=None, confidence=0.7,
                            message=f"dataset of {_size(f.size)} committed in a data folder, "
                                    "not tracked by DVC or git LFS")
        else:
            ctx.contradicts(file=f.path, line=None,
                            message=f"{what} of {_size(f.size)} in the repository, not tracked by DVC or git LFS")
    if large:
        return
    pointers = sorted(p for p in paths if p.endswith(".dvc") and not p.endswith("/.dvc"))
    anchor = pointers[0] if pointers else next((p for p in sorted(paths) if p.endswith("dvc.yaml")), None)
    if anchor is None and lfs:
        anchor = next((p for p in sorted(paths) if p.endswith(".gitattributes")), None)
    if anchor is not None:
        ctx.supports(file=anchor, line=None, confidence=0.6,
                     message=f"no data or model file over {_size(LARGE_BYTES)} in the tree; data is kept in DVC or LFS")


def _imports(tree: ast.Module) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) for each import of a module."""
    out: list[tuple[str, list[str], int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, [], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names], node.lineno))
    return out


@rule()
def data_tests(ctx: FileContext) -> None:
    """A test module that checks data with a data-validation library."""
    if ctx.file.kind != "python" or not is_test_path(ctx.file.path):
        return
    tree = ctx.file.data
    if not isinstance(tree, ast.Module):
        return
    real, placeholders = real_tests(tree)
    if not real:  # no test, or only stubs that check nothing: they test no data or model code
        if not placeholders:  # named like a test (test_*.py) but defines none: a script, a flow, a helper
            ctx.fact("testless_module", ctx.file.path)
        return  # placeholders are python_code.ml_tests' to report
    imports = _imports(tree)
    ctx.fact("test_imports", {"file": ctx.file.path,
                              "imports": [[m, names, line] for m, names, line in imports]})
    for module, _names, line in imports:
        label = next((v for k, v in _DATA_LIBS.items() if v and (module == k or module.startswith(k + "."))), None)
        if label is not None:
            ctx.supports(line=line, message=f"tests check data with {label}")
            return


def _project_modules(files: tuple[IndexedFile, ...]) -> set[str]:
    """Dotted names of the project's own (non-test) Python modules and packages."""
    names: set[str] = set()
    for f in files:
        if f.kind != "python" or is_test_path(f.path) or not f.path.endswith(".py"):
            continue
        parts = f.path[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        # src/ layouts are imported without the prefix (src/pkg/x.py as pkg.x), but some
        # projects import the folder itself (src.x): both names count
        layouts = [parts, parts[1:]] if parts and parts[0] in ("src", "lib") else [parts]
        for layout in layouts:
            names.update(".".join(layout[:end]) for end in range(1, len(layout) + 1))
        if parts:  # flat layouts that put scripts on sys.path: "src/prepare.py" imported as "prepare"
            names.add(parts[-1])
    return names


@rule(scope="project")
def model_code_tests(ctx: ProjectContext) -> None:
    """Test modules that import the project's own data or model code."""
    facts = list(ctx.facts_of("test_imports"))
    own = _project_modules(ctx.index.files) if facts else set()
    for fact in facts:
        if not isinstance(fact, dict):
            continue
        for module, names, line in fact.get("imports", []):
            if module not in own or module.split(".")[0] in ("tests", "test", "conftest"):
                continue
            hit = next((n for n in [module, *names] if _ML_WORDS.search(str(n).rpartition(".")[2])), None)
            if hit is not None:
                ctx.supports(file=str(fact["file"]), line=line,
                             message=f"tests exercise the project's data/model code ({module})")
                break


@rule(scope="project")
def no_tests(ctx: ProjectContext) -> None:
    """Python code or notebooks, and no test file anywhere (files named like tests that hold
    no test function count as none; placeholder tests are python_code.ml_tests' to report)."""
    code = [f for f in ctx.index.files if f.kind in ("python", "notebook") and "mlruns/" not in f.path]
    if not code:
        return
    if ctx.index.exists(*TEST_PATTERNS) and not _no_test_in(ctx):
        return
    kinds = sorted({"notebooks" if f.kind == "notebook" else "Python modules" for f in code})
    named = _no_test_in(ctx)
    what = f"no test functions in the files named like tests ({', '.join(named[:3])})" if named else \
        "no test files (test_*.py, *_test.py, tests/)"
    ctx.contradicts(file=".", line=None, message=f"{len(code)} {' and '.join(kinds)} and {what}")


def _no_test_in(ctx: ProjectContext) -> list[str]:
    """The files named like tests when none of them tests anything: each is a Python module
    that defines no test function (a script or flow named test_*.py) or an empty file (a
    tests/.gitkeep); [] when any other file sits among the tests."""
    testless = {str(p) for p in ctx.facts_of("testless_module")}
    named = [f for f in ctx.index.files if is_test_path(f.path)]
    if not testless or any(f.path not in testless and f.size > 0 for f in named):
        return []
    return sorted(f.path for f in named if f.path in testless)
