"""Whose file is it: every walked file is the project's own, a test, vendored third-party
code, test data (a fixture), generated, or docs/examples, each decision with its reason.

Only project and test files decide a practice (mllens.review.evaluate); the rest stay
visible as evidence with their class. The signals are those a reader would use, strongest
first:

1. mllens.yaml `scan: {project: [...], vendored: [...]}`: gitignore-style patterns that
   force a class (`project` wins where both match);
2. `.gitattributes` `linguist-vendored`, `linguist-generated`, `linguist-documentation`
   (`-attr` or `attr=false` takes back our own guess of that class);
3. the shape of the tree: packages installed beside their `*.dist-info` (pip install -t
   into a function folder), a package with its own setup and tests inside a function
   folder, test data folders, docs and examples folders, generated folders and names, and
   the scripts and notebooks of a sample-data folder (`datasets/` that is not a Python
   package: they made the examples' data; its data files stay the project's own);
4. content, for files the scan reads: a generated-file header, a compiled pipeline among
   the tests (see `content_signal`).

A folder's class passes to everything inside it; where two signals meet, the one further
from the project's own code wins (vendored > fixture > generated > docs > test > project):
an example's tests are docs, a vendored package's test data is vendored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pathspec

from mllens.scan.decision import Decision as Decision  # re-exported: the classifier's result type
from mllens.scan.evidence import FileClass
from mllens.scan.kinds import TEST_DIRS, TEST_NAME_PREFIX, TEST_NAME_SUFFIXES

FILE_CLASSES: tuple[FileClass, ...] = ("project", "test", "vendored", "fixture", "generated", "docs")
_RANK = {"project": 0, "test": 1, "docs": 2, "generated": 3, "fixture": 4, "vendored": 5}


DEFAULT_REASON = "no sign of vendored, test, fixture, generated or docs content"
_FIXTURE_DIRS = frozenset({"test_data", "testdata", "test-data", "test_fixtures", "fixtures", "__fixtures__",
                           "__snapshots__", "test_resources", "testfiles"})  # fmt: skip
_TEST_DATA_DIRS = frozenset({"data", "resources", "files", "samples", "assets"})  # only inside a test folder
_DOCS_DIRS = frozenset({"docs", "doc", "documentation"})
_EXAMPLE_DIRS = frozenset({"examples", "example", "samples", "tutorials", "tutorial", "demos", "cookbook"})
_GENERATED_DIRS = frozenset({"generated", "_generated", "__generated__", "autogen"})
# Folders of sample datasets: the code inside one that is not a Python package made the data
# (downloads, cleaning, splits for the examples); the data files stay the project's own
_SAMPLE_DATA_DIRS = frozenset({"datasets", "sample_data", "sample-data", "sample_datasets", "sample-datasets"})
_CODE_KINDS = frozenset({"python", "notebook"})
_DOCS_REASON = "documentation folder"
_PROSE_KINDS = frozenset({"markdown", "codeowners"})
# a function folder: what a serverless handler's folder holds
_HANDLERS = frozenset({"lambda_function.py", "lambda_handler.py", "handler.py", "handlers.py", "function_app.py"})
_PACKAGE_MARKS = ("setup.py", "setup.cfg", "pyproject.toml")
_GENERATED_SUFFIXES = ("_pb2.py", "_pb2_grpc.py", "_pb2.pyi", ".pb.go", ".min.js", ".pyc", ".pyo")
_NAMED_SUFFIXES = _GENERATED_SUFFIXES + TEST_NAME_SUFFIXES  # one C call rules most names out
_METADATA_READ_MAX = 2 * 1024 * 1024
# Each linguist line is matched against every file below its .gitattributes: a cap keeps a
# hostile file from making the walk quadratic (real ones hold a few dozen such lines).
MAX_ATTRIBUTE_LINES = 200


def _rank(decision: Decision | None) -> int:
    return -1 if decision is None else _RANK[decision.cls]


def stronger(a: Decision | None, b: Decision | None) -> Decision | None:
    """Of two decisions, the one further from the project's own code (`a` on a tie)."""
    return b if _rank(b) > _rank(a) else a


def _dist_name(folder: str) -> str:
    """`requests-2.31.0.dist-info` -> `requests` (lowercase, `-` and `.` as `_`)."""
    stem = folder.rsplit(".", 1)[0].split("-", 1)[0]
    return re.sub(r"[-.]+", "_", stem).lower()


def installed_packages(os_dir: str, metadata: list[str]) -> dict[str, str]:
    """Top-level names installed by the `*.dist-info` folders of a directory -> the folder
    that says so: its top_level.txt, else the first part of each RECORD path, else its name."""
    out: dict[str, str] = {}
    for meta in metadata:
        out.setdefault(_dist_name(meta), meta)
        for listing in ("top_level.txt", "RECORD"):
            try:
                with open(os.path.join(os_dir, meta, listing), "rb") as handle:
                    text = handle.read(_METADATA_READ_MAX).decode("utf-8", errors="replace")
            except OSError:
                continue
            for line in text.splitlines():
                top = line.split(",", 1)[0].split("/", 1)[0].strip()
                if top and not top.endswith((".dist-info", ".data")) and top != "..":
                    out.setdefault(top.removesuffix(".py").lower(), meta)
            break
    return out


@dataclass(frozen=True)
class Attributes:
    """The linguist attributes of one .gitattributes file (in folder `base`): per line, a
    pattern and what it says of each class (True: is, False: is not)."""

    base: str
    rules: tuple[tuple[pathspec.GitIgnoreSpec, str, FileClass, bool], ...]
    dropped: int = 0  # linguist lines past MAX_ATTRIBUTE_LINES, not used

    @classmethod
    def parse(cls, base: str, text: str) -> Attributes | None:
        names: dict[str, FileClass] = {"linguist-vendored": "vendored", "linguist-generated": "generated",
                                       "linguist-documentation": "docs"}  # fmt: skip
        rules: list[tuple[pathspec.GitIgnoreSpec, str, FileClass, bool]] = []
        dropped = 0
        for line in text.splitlines():
            parts = line.split()
            if not parts or parts[0].startswith("#") or "linguist-" not in line:
                continue
            if len(rules) >= MAX_ATTRIBUTE_LINES:
                dropped += 1
                continue
            for attr in parts[1:]:
                name, _, value = attr.lstrip("-!").partition("=")
                if name not in names or attr.startswith("!"):
                    continue
                is_set = not attr.startswith("-") and value.lower() not in ("false", "0")
                try:
                    spec = pathspec.GitIgnoreSpec.from_lines([parts[0]])
                except (ValueError, re.error):
                    break
                rules.append((spec, parts[0], names[name], is_set))
        return cls(base, tuple(rules), dropped) if rules else None

    def apply(self, rel: str, current: Decision | None, unset: FileClass) -> Decision | None:
        """The decision for `rel` after this file's lines, each attribute as its last
        matching line says: a class set wins over every guess; a class unset takes back a
        guess of that class, leaving `unset` (test or project)."""
        inner = rel[len(self.base) + 1 :] if self.base else rel
        states: dict[FileClass, tuple[bool, str]] = {}
        for spec, pattern, klass, is_set in self.rules:
            if spec.match_file(inner):
                states[klass] = (is_set, pattern)
        if not states:
            return current
        where = f"{self.base}/.gitattributes" if self.base else ".gitattributes"
        folder = rel.rpartition("/")[0] or "."
        chosen: Decision | None = None
        for klass, (is_set, pattern) in states.items():
            if is_set:
                chosen = stronger(chosen, Decision(klass, f"{where}: {pattern} linguist-{_ATTR[klass]}", folder))
        if chosen is not None:
            return chosen
        if current is not None and current.cls in states:
            pattern = states[current.cls][1]
            return Decision(unset, f"{where}: {pattern} -linguist-{_ATTR[current.cls]}", folder)
        return current


_ATTR = {"vendored": "vendored", "generated": "generated", "docs": "documentation"}


@dataclass(frozen=True)
class Folder:
    """What the walker knows of a folder when it lists the folder's children."""

    decision: Decision | None = None  # None: the project's own (the default)
    function: str = ""  # this folder's handler file when it is a function folder
    installed: dict[str, str] = field(default_factory=dict)  # child name -> its dist-info
    attributes: tuple[Attributes, ...] = ()
    files: dict[str, Decision] = field(default_factory=dict)  # child file name -> its class
    code: Decision | None = None  # the class of code files here (a sample-data folder's scripts)


ROOT = Folder()


def enter(
    rel: str,
    name: str,
    names: set[str],
    parent: Folder,
    *,
    os_dir: str,
    attributes: Attributes | None,
    shape: Decision | None = None,
) -> Folder:
    """The folder `rel` (base name `name`, children `names`) inside `parent`; `shape`: what
    its place and shape in the tree say of it (mllens.scan.classify_shape)."""
    own: Decision | None = None
    lower = name.lower()
    if lower in parent.installed:
        own = Decision("vendored", f"installed package (beside {parent.installed[lower]})", rel)
    elif lower.endswith((".dist-info", ".egg-info")):
        own = Decision("vendored", "installed package metadata", rel)
    elif parent.function and any(mark in names for mark in _PACKAGE_MARKS) and not names.isdisjoint(TEST_DIRS):
        mark = next(m for m in _PACKAGE_MARKS if m in names)
        own = Decision("vendored", f"a package with its own {mark} and tests inside a function folder "
                                   f"(beside {parent.function})", rel)  # fmt: skip
    elif lower in _FIXTURE_DIRS:
        own = Decision("fixture", f"test data folder ({name}/)", rel)
    elif lower in _TEST_DATA_DIRS and parent.decision is not None and parent.decision.cls == "test":
        own = Decision("fixture", f"test data folder ({name}/ inside the tests)", rel)
    elif lower in _EXAMPLE_DIRS:
        own = Decision("docs", f"examples folder ({name}/)", rel)
    elif lower in _DOCS_DIRS:
        own = Decision("docs", f"{_DOCS_REASON} ({name}/); its prose is the project's own", rel)
    elif lower in _GENERATED_DIRS:
        own = Decision("generated", f"generated code folder ({name}/)", rel)
    elif lower in TEST_DIRS:
        own = Decision("test", f"test folder ({name}/)", rel)
    decision = stronger(parent.decision, stronger(own, shape))
    code = parent.code
    if code is None and lower in _SAMPLE_DATA_DIRS and "__init__.py" not in names:
        code = Decision("fixture", f"code that makes the sample data of a datasets folder ({name}/, "
                                   "not a Python package)", rel)  # fmt: skip
    files = _mlflow_written(rel, names) if _MLMODEL in names else {}
    metadata = [n for n in names if n.endswith(".dist-info")]
    installed = installed_packages(os_dir, metadata) if metadata else {}
    handler = next((n for n in sorted(names & _HANDLERS)), "") if metadata or names & _HANDLERS else ""
    if metadata and not handler:
        handler = metadata[0]
    nothing_new = (attributes is None and not handler and not installed and not files and decision is parent.decision
                   and code is parent.code)
    if nothing_new and not parent.function and not parent.installed and not parent.files:
        return parent  # most folders: nothing to build
    chain = (*parent.attributes, attributes) if attributes else parent.attributes
    return Folder(decision, handler, installed, chain, files, code)


_MLMODEL = "MLmodel"
_MLFLOW_WRITES = ("conda.yaml", "python_env.yaml", "requirements.txt")


def _mlflow_written(rel: str, names: set[str]) -> dict[str, Decision]:
    """The environment files MLflow writes beside a saved model's MLmodel: their pins are
    what was installed when the model was logged, not the project's dependency manifest."""
    reason = "written by MLflow beside MLmodel (the environment a saved model was logged with)"
    return {n: Decision("generated", reason, rel or ".") for n in _MLFLOW_WRITES if n in names}


def _is_test_name(lower: str) -> bool:
    return lower.endswith(".py") and (lower.startswith(TEST_NAME_PREFIX) or lower.endswith(TEST_NAME_SUFFIXES))


def classify_file(rel: str, name: str, kind: str, folder: Folder) -> Decision | None:
    """The class of the file `rel` in `folder` (None: the project's own, by default)."""
    decision = folder.decision
    lower = name.lower()
    plain = (decision is None and not folder.installed and not folder.attributes and not folder.files
             and folder.code is None)  # most folders
    if plain and not lower.endswith(_NAMED_SUFFIXES) and not lower.startswith("test_"):
        return None
    parent = rel.rpartition("/")[0] or "."
    if lower.endswith(_GENERATED_SUFFIXES) and _rank(decision) < _RANK["generated"]:
        decision = Decision("generated", "generated or compiled code (by its name)", parent)
    elif decision is None and _is_test_name(lower):
        decision = Decision("test", "test module (by its name)", parent)
    elif folder.installed and lower.removesuffix(".py") in folder.installed:
        beside = folder.installed[lower.removesuffix(".py")]
        decision = Decision("vendored", f"installed module (beside {beside})", parent)
    elif decision is not None and decision.reason.startswith(_DOCS_REASON) and kind in _PROSE_KINDS:
        decision = Decision("project", "the project's own documentation", decision.where)
    elif name in folder.files:
        decision = stronger(decision, folder.files[name])
    if folder.code is not None and kind in _CODE_KINDS:
        decision = stronger(decision, folder.code)
    for attributes in folder.attributes:
        decision = attributes.apply(rel, decision, "test" if _is_test_name(lower) else "project")
    return decision


class Overrides:
    """mllens.yaml's `scan.project` and `scan.vendored` patterns (gitignore-style, from the
    project root). ValueError names a pattern that is not one."""

    def __init__(self, *, project: Sequence[str] = (), vendored: Sequence[str] = ()) -> None:
        self.project = _spec(project, "project")
        self.vendored = _spec(vendored, "vendored")
        self.patterns = (tuple(project), tuple(vendored))

    def __bool__(self) -> bool:
        return self.project is not None or self.vendored is not None

    def apply(self, rel: str, decision: Decision | None) -> Decision | None:
        parent = rel.rpartition("/")[0] or "."
        forced: tuple[tuple[pathspec.GitIgnoreSpec | None, FileClass, tuple[str, ...]], ...] = (
            (self.project, "project", self.patterns[0]),
            (self.vendored, "vendored", self.patterns[1]),
        )
        for spec, klass, patterns in forced:
            if spec is None:
                continue
            found = spec.check_file(rel)
            if found.include and found.index is not None:
                return Decision(klass, f"mllens.yaml scan.{klass}: {patterns[found.index]}", parent)
        return decision


def _spec(patterns: Sequence[str], key: str) -> pathspec.GitIgnoreSpec | None:
    from mllens.scan.walk import exclude_rules  # the same check as scan.exclude's

    try:
        exclude_rules(patterns)
    except ValueError as exc:
        raise ValueError(f"scan.{key}: {exc}") from None
    return pathspec.GitIgnoreSpec.from_lines(list(patterns)) if patterns else None


# Content signals, for files the scan reads (see engine): the header's first lines only.
_COMMENT = r"^[ \t]*(?:#|//|/\*|\*|<!--|--|;)"
_HEADER = re.compile(
    rf"{_COMMENT}[^\n]*?(?:DO NOT EDIT|@generated|[Cc]ode generated|"
    r"(?:[Tt]his|[Tt]he) file (?:is|was|has been) (?:auto(?:matically)?[- ]?)?generated)"
    rf"|{_COMMENT}[ \t]*(?:[Aa]uto-?)?[Gg]enerated (?:by|from|with)\b",
    re.MULTILINE,
)
_HEADER_CHARS = 600
_COMPILED_PIPELINE = re.compile(
    r"""["']?sdkVersion["']?\s*:\s*["']?(?:kfp|tfx)-|pipelines\.kubeflow\.org/kfp_sdk_version"""
)
# Lock files and compiled requirements say "generated", but they are what gets installed.
_NO_HEADER_KINDS = frozenset({"requirements", "toml", "notebook"})
# A project template's placeholders: Backstage (`${{ values.name }}`), cookiecutter. Prose
# that explains a template is still the project's documentation.
_PLACEHOLDER = re.compile(r"\$\{\{\s*values\.[A-Za-z_]|\{\{\s*cookiecutter\.[A-Za-z_]")


def content_signal(path: str, kind: str, text: str) -> tuple[str, str] | None:
    """What a file's text says of its class: ("generated", reason) for a generated-file
    header in its first lines, ("pipeline", reason) for a compiled KFP/TFX pipeline,
    ("template", reason) for a project template's placeholders."""
    head = text[:_HEADER_CHARS]
    marked = "enerated" in head or "EDIT" in head  # a C search first: most files say neither
    if marked and kind not in _NO_HEADER_KINDS and not path.endswith(".lock") and _HEADER.search(head):
        return "generated", "generated-file header (DO NOT EDIT / generated by)"
    # the kind first (a compiled pipeline is JSON or YAML), then a C search: most files say neither
    maybe_pipeline = kind in ("json", "yaml") and ("sdkVersion" in text or "kfp_sdk_version" in text)
    if maybe_pipeline and _COMPILED_PIPELINE.search(text):
        return "pipeline", "compiled pipeline (KFP/TFX) among the tests: test data"
    # a C search first: most files hold neither ("${{" alone is common in CI workflows)
    maybe_template = ("${{" in text or "cookiecutter." in text) and kind not in _PROSE_KINDS
    if maybe_template and _PLACEHOLDER.search(text):
        return "template", "a project template's placeholders (${{ values.* }} or {{ cookiecutter.* }})"
    return None


def with_content(path: str, decision: Decision | None, signal: tuple[str, str]) -> Decision | None:
    """`decision` with a file's content signal taken into account: a generated header makes
    project, test or docs code generated; a template's placeholders make it docs (an example
    to fill in); a compiled pipeline is test data only among tests (elsewhere it is the
    pipeline the project submits)."""
    where = path.rpartition("/")[0] or "."
    if signal[0] == "generated":
        return stronger(decision, Decision("generated", signal[1], where))
    if signal[0] == "template":
        return stronger(decision, Decision("docs", signal[1], where))
    if decision is not None and decision.cls == "test":
        return Decision("fixture", signal[1], where)
    return decision
