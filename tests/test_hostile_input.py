"""Hostile and random bytes fed to every reader mllens has, the way users run it.

Each case runs `mllens.cli.main` (the console entry point: it turns an MllensError into one
line and exit 2) in this process, with tracemalloc measuring the peak, and asserts: the exit
code is 0, 1 or 2; nothing escapes as a traceback; an exit 2 says one line `error: ...`;
the peak stays under 200 MB. A subprocess under a 1 GB address-space limit checks the bombs
with the process's real peak. Then one plain test per class, with its exact message.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mllens.cli import main
from mllens.errors import InputError
from mllens.lens.load import load_lens
from mllens.scan.registry import FamilyMeta
from mllens.validation import validate_model
from mllens.yamlio import parse_yaml

MB = 1024 * 1024
MEMORY_LIMIT = 200 * MB
MINI_LENS = Path(__file__).parent / "review" / "data" / "mini_lens"
CUSTOM_LENS = {
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
                        {"id": "GOV01_owner", "title": "Datasets have owners", "improvementPlan": {"displayText": "N"}},
                        {"id": "GOV01_no", "title": "None of these"},
                    ],
                    "riskRules": [
                        {"condition": "GOV01_owner", "risk": "NO_RISK"},
                        {"condition": "default", "risk": "HIGH_RISK"},
                    ],
                }
            ],
        }
    ],
}


def laughs(levels: int = 10) -> bytes:
    lines = ["workload: {name: x}", "l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


@cache
def scan_json() -> bytes:
    """A real `mllens scan --format json` of an empty project."""
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run(["scan", tmp, "--no-cache", "-q", "-f", "json"])
    assert outcome.code == 0, outcome.err
    return outcome.out.encode()


TEMPLATES: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "bom only": lambda: b"\xef\xbb\xbf",
    "alias bomb": laughs,
    "aliased long string": lambda: b"s: &s " + b"x" * 100_000 + b"\nmany: [" + b", ".join([b"*s"] * 300) + b"]\n",
    "recursive alias": lambda: b"workload: &w {name: x, self: *w}\n",
    "python object": lambda: b"workload: !!python/object/apply:os.system ['true']\nanswers: {}\n",
    "python name": lambda: b"!!python/name:os.system\n",
    "python new": lambda: b"workload: {name: !!python/object/new:type [x, [], {}]}\n",
    "local tag": lambda: b"workload: !Workload {name: x}\n",
    "deep json array": lambda: b"[" * 100_000 + b"]" * 100_000,
    "deep json object": lambda: b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "deep flow yaml": lambda: b"a: " + b"[" * 5_000 + b"]" * 5_000,
    "deep block yaml": lambda: b"a:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 1500)),
    "invalid utf-8": lambda: b"workload: {name: caf\xe9}\n\xff\xfe",
    "nul bytes": lambda: b"workload: {name: a\x00b}\n",
    "huge line": lambda: b"workload: {name: x}\nnotes: " + b"y" * 256 * 1024 + b"\n",
    "huge number": lambda: b"1" * 20_000,
    "json list": lambda: b"[1, 2, 3]",
    "complex key": lambda: b"workload: {name: w}\n? [a, b]\n: 1\n",
    "json wrong types": lambda: b'{"lens": 1, "practices": [1], "questions": {}, "summary": [], "pillars": 3}',
    "valid answers": lambda: b"workload: {name: w}\nanswers:\n  MLSEC03-BP02: {status: implemented}\n",
    "valid scan json": scan_json,
    "valid custom lens": lambda: json.dumps(CUSTOM_LENS).encode(),
}


def splice(base: bytes, noise: bytes, at: int) -> bytes:
    """A template with random bytes put in at some point (and cut there, half the time)."""
    cut = at % (len(base) + 1)
    return base[:cut] + noise + (base[cut:] if at % 2 else b"")


CONTENT = st.one_of(
    st.binary(max_size=400),
    st.sampled_from(sorted(TEMPLATES)).map(lambda name: TEMPLATES[name]()),
    st.builds(splice, st.sampled_from(sorted(TEMPLATES)).map(lambda name: TEMPLATES[name]()),
              st.binary(max_size=40), st.integers(min_value=0)),
)


# --- running the CLI as users do ---------------------------------------------------------------


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    peak: int  # bytes, by tracemalloc


def run(args: list[str], *, trace: bool = True) -> Outcome:
    """`mllens ARGS` through the console entry point, in this process; with `trace`, the
    peak of Python's allocations is measured (tracemalloc slows the run five- to tenfold)."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["mllens", *args]
    if trace:
        tracemalloc.start()
    code: int
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # what a user would see as a traceback
        err.write(traceback.format_exc())
        code = 1
    finally:
        peak = tracemalloc.get_traced_memory()[1]  # 0 when not tracing
        tracemalloc.stop()
        sys.argv = argv
    return Outcome(code, out.getvalue(), err.getvalue(), peak)


def assert_handled(outcome: Outcome) -> None:
    context = f"exit {outcome.code}\nstderr: {outcome.err[-2000:]}"
    assert outcome.code in (0, 1, 2), context
    assert "Traceback" not in outcome.err and "Traceback" not in outcome.out, context
    if outcome.code == 2:
        errors = [line for line in outcome.err.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and outcome.err.rstrip("\n").splitlines()[-1] == errors[0], context
    assert outcome.peak < MEMORY_LIMIT, f"peak {outcome.peak / MB:.0f} MB; {context}"


# Every reader of the CLI: where its file goes (relative to a fresh folder) and the arguments.
def _empty_project(where: Path) -> str:
    (where / "empty").mkdir(exist_ok=True)
    return str(where / "empty")


def _mini_lens(where: Path) -> None:
    shutil.copytree(MINI_LENS, where / "lens")


READERS: dict[str, tuple[str, Callable[[Path], list[str]]]] = {
    "review mllens.yaml": ("proj/mllens.yaml", lambda w: ["review", str(w / "proj"), "--non-interactive"]),
    "report mllens.yaml": ("proj/mllens.yaml", lambda w: ["report", str(w / "proj"), "--no-cache", "-f", "json"]),
    "scan mllens.yaml": ("proj/mllens.yaml", lambda w: ["scan", str(w / "proj"), "--no-cache", "-q", "-f", "json"]),
    "scan --baseline": ("base.json", lambda w: [
        "scan", _empty_project(w), "--no-cache", "-q", "-f", "json", "--fail-on", "high",
        "--baseline", str(w / "base.json"),
    ]),
    "report --baseline": ("base.json", lambda w: [
        "report", _empty_project(w), "--no-cache", "-f", "markdown", "--baseline", str(w / "base.json")
    ]),
    "lens lint json": ("lens.json", lambda w: ["lens", "lint", str(w / "lens.json")]),
    "lens import json": ("lens.json", lambda w: ["lens", "import", str(w / "lens.json"), "-o", str(w / "out")]),
    "lens import yaml": ("lens.yaml", lambda w: ["lens", "import", str(w / "lens.yaml"), "-o", str(w / "out")]),
    "lens lint lens.yaml": ("lens/lens.yaml", lambda w: ["lens", "lint", str(w / "lens")]),
    "lens lint pillar yaml": ("lens/security.yaml", lambda w: ["lens", "lint", str(w / "lens")]),
}


def lay_out(reader: str, base: Path, content: bytes | None) -> list[str]:
    """A fresh folder holding the reader's file (a directory instead when `content` is
    None); the arguments that make the CLI read it."""
    where = Path(tempfile.mkdtemp(dir=base))
    file, args = READERS[reader]
    (where / "proj").mkdir()
    if file.startswith("lens/"):
        _mini_lens(where)
        (where / file).unlink()
    if content is None:
        (where / file).mkdir()
    else:
        (where / file).write_bytes(content)
    return args(where)


HYPOTHESIS_MORE = settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HYPOTHESIS = settings(
    max_examples=5, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# Inputs whose size bounds their cost are not traced (their memory grows with the file, which
# MAX_INPUT_BYTES bounds); the small ones, where a bomb hides, always are.
TRACE_UP_TO = 64 * 1024
BOMBS = ("alias bomb", "aliased long string", "recursive alias", "deep json array", "deep json object",
         "deep flow yaml", "deep block yaml")


@pytest.mark.parametrize("reader", sorted(READERS))
@HYPOTHESIS
@given(content=CONTENT)
def test_every_cli_reader_survives_random_and_hostile_bytes(reader: str, content: bytes, tmp_path: Path) -> None:
    assert_handled(run(lay_out(reader, tmp_path, content), trace=len(content) <= TRACE_UP_TO))


GENERIC = ("empty", "bom only", "invalid utf-8", "nul bytes", "huge number", "json list", "json wrong types")
YAML_TEMPLATES = (*GENERIC, "complex key", "alias bomb", "aliased long string", "recursive alias", "python object",
                  "python name", "python new", "local tag", "deep flow yaml", "deep block yaml", "huge line",
                  "valid answers")
JSON_TEMPLATES = (*GENERIC, "deep json array", "deep json object", "alias bomb", "python object", "valid scan json",
                  "valid custom lens")
# mllens.yaml is read by one function for review, report and scan: the sweep runs it through
# review (the property test above and the plain tests below go through all three).
SWEEP = {
    "review mllens.yaml": YAML_TEMPLATES,
    "scan --baseline": JSON_TEMPLATES,
    "report --baseline": JSON_TEMPLATES,
    "lens lint json": JSON_TEMPLATES,
    "lens import json": JSON_TEMPLATES,
    "lens import yaml": YAML_TEMPLATES,
    "lens lint lens.yaml": YAML_TEMPLATES,
    "lens lint pillar yaml": YAML_TEMPLATES,
}


def test_the_sweep_covers_every_template() -> None:
    assert set(YAML_TEMPLATES) | set(JSON_TEMPLATES) == set(TEMPLATES)


@pytest.mark.parametrize("reader", sorted(SWEEP))
def test_every_cli_reader_survives_every_hostile_template(reader: str, tmp_path: Path) -> None:
    for name in SWEEP[reader]:
        outcome = run(lay_out(reader, tmp_path, TEMPLATES[name]()), trace=name in BOMBS)
        assert_handled(outcome)
        if name in ("alias bomb", "python object", "deep json array", "recursive alias", "invalid utf-8"):
            assert outcome.code == 2, f"{name}: {outcome.err}"


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_directory_where_a_file_is_expected_is_an_error(reader: str, tmp_path: Path) -> None:
    outcome = run(lay_out(reader, tmp_path, None))
    assert_handled(outcome)
    assert outcome.code == 2, outcome.err


# YAML built from its own grammar (flow collections, complex keys, tags, anchors and aliases),
# to reach the code behind the parser: validation, plain(), the lens model.
_SCALARS = st.one_of(
    st.sampled_from(["a", "1", "-0", "1.5", "true", "~", "=", "2020-01-01", "'q'", '"d"', ".nan", "MLSEC03-BP02",
                     "implemented", "not_applicable", "*a", "9" * 5000]),
    st.text(alphabet="abz019 .:-_#'\"", max_size=8),
)
_TAGS = st.sampled_from(
    ["", "", "", "&a ", "!!str ", "!!int ", "!!map ", "!!seq ", "!!python/object:os.system ", "!x "]
)


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    seq = st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    pairs = st.lists(st.tuples(children, children), max_size=4)
    mapping = pairs.map(lambda kv: "{" + ", ".join(f"? {k} : {v}" for k, v in kv) + "}")
    return st.builds(lambda tag, body: tag + body, _TAGS, st.one_of(seq, mapping))


YAML_NODE = st.recursive(st.builds(lambda tag, value: tag + value, _TAGS, _SCALARS), _flow, max_leaves=12)
_KEYS = st.sampled_from(["workload", "answers", "questions", "accepted_risks", "lens", "scan", "name", "id",
                         "pillar", "MLSEC03-BP02", "status", "checks", "notes", "1"])
YAML_DOCUMENT = st.lists(st.tuples(_KEYS, YAML_NODE), min_size=1, max_size=5).map(
    lambda pairs: "".join(f"{key}: {node}\n" for key, node in pairs).encode()
)


@HYPOTHESIS_MORE
@given(content=YAML_DOCUMENT)
def test_mllens_yaml_built_from_yaml_grammar_is_read_or_refused_in_one_line(content: bytes, tmp_path: Path) -> None:
    assert_handled(run(lay_out("review mllens.yaml", tmp_path, content)))


@HYPOTHESIS_MORE
@given(content=YAML_DOCUMENT)
def test_a_lens_pillar_built_from_yaml_grammar_is_loaded_or_refused(content: bytes, tmp_path: Path) -> None:
    lens = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copytree(MINI_LENS, lens, dirs_exist_ok=True)
    (lens / "security.yaml").write_bytes(b"pillar: security\n" + content)
    try:
        load_lens(lens)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("security.yaml: ")


# A valid document with one value replaced by random JSON: where a reader that indexes into
# the document without checking its shape would show Python's internals.
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)
INTERNALS = ("list indices", "has no attribute", "KeyError", "NoneType", "TypeError", "unhashable", "'dict'",
             "object at 0x", "<class ")


def _paths(doc: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for key, value in items:
        found += _paths(value, (*path, key))
    return found


@st.composite
def mutated(draw: st.DrawFn, template: str) -> bytes:
    doc = json.loads(TEMPLATES[template]())
    paths = _paths(doc)
    path = draw(st.sampled_from(paths[1:] if len(paths) > 1 else paths))
    value = draw(JSON_VALUE)
    if not path:
        return json.dumps(value).encode()
    parent = doc
    for key in path[:-1]:
        parent = parent[key]  # type: ignore[index]
    parent[path[-1]] = value  # type: ignore[index]
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("reader", "template"),
    [("report --baseline", "valid scan json"), ("lens lint json", "valid custom lens"),
     ("lens import json", "valid custom lens")],
)
@HYPOTHESIS_MORE
@given(data=st.data())
def test_a_valid_json_with_one_value_replaced_is_read_or_refused_in_our_words(
    reader: str, template: str, data: st.DataObject, tmp_path: Path
) -> None:
    outcome = run(lay_out(reader, tmp_path, data.draw(mutated(template))), trace=False)
    assert_handled(outcome)
    assert not any(word in outcome.err for word in INTERNALS), outcome.err


# --- the loaders the CLI does not reach with user files: detector metadata, lens YAML --------


@HYPOTHESIS
@given(content=CONTENT)
def test_detector_metadata_and_lens_yaml_loaders_fail_only_with_input_errors(content: bytes, tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        try:
            data = parse_yaml(content.decode("utf-8", "replace"), file="family.yaml")
            validate_model(FamilyMeta, data, file="family.yaml")
        except InputError as exc:
            assert str(exc).startswith("family.yaml: ") and "\n" not in str(exc)
        lens = Path(tempfile.mkdtemp(dir=tmp_path))
        shutil.copytree(MINI_LENS, lens, dirs_exist_ok=True)
        (lens / "security.yaml").write_bytes(content)
        with contextlib.suppress(InputError):
            load_lens(lens)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT


# --- the process's real peak, under an address-space limit --------------------------------------

_CHILD = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from mllens.cli import main
    sys.argv = ["mllens", *sys.argv[1:]]
    try:
        main()
    finally:
        # VmHWM: this program's peak resident memory (ru_maxrss would include the forking
        # parent's, which Linux keeps across exec).
        status = open("/proc/self/status").read()
        peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))  # KiB
        with open(__import__("os").environ["PEAK_FILE"], "w") as out:
            out.write(peak)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="reads the peak from /proc/self/status")
@pytest.mark.parametrize(
    ("layout", "args"),
    [
        ("proj/mllens.yaml", ["review", "proj", "--non-interactive"]),
        ("deep.json", ["lens", "lint", "deep.json"]),
    ],
)
def test_bombs_stay_under_200_mb_in_a_real_process(tmp_path: Path, layout: str, args: list[str]) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / layout).write_bytes(laughs() if layout.endswith(".yaml") else TEMPLATES["deep json array"]())
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PEAK_FILE": str(tmp_path / "peak")},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)),
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("error: "), done.stderr
    assert int((tmp_path / "peak").read_text()) * 1024 < MEMORY_LIMIT


# --- one plain test per class, with its exact message ----------------------------------------


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "proj").mkdir()
    return tmp_path


def one_error(args: list[str]) -> str:
    outcome = run(args)
    assert outcome.code == 2, outcome.err
    assert_handled(outcome)
    return outcome.err.strip()


def test_an_alias_bomb_in_mllens_yaml_is_one_line_naming_file_and_line(here: Path) -> None:
    (here / "proj" / "mllens.yaml").write_bytes(laughs())
    expected = (
        "error: proj/mllens.yaml: YAML expands to more than 200,000 values (aliases counted each time they are used)"
        " at line 7"
    )
    for args in (["review", "proj", "--non-interactive"], ["report", "proj"], ["scan", "proj", "-q"]):
        assert one_error([*args, *(["--no-cache"] if args[0] != "review" else [])]) == expected


def test_a_python_tag_is_refused_not_half_accepted(here: Path) -> None:
    (here / "proj" / "mllens.yaml").write_text("workload:\n  name: !!python/name:os.system ''\n", encoding="utf-8")
    assert one_error(["review", "proj", "--non-interactive"]) == (
        "error: proj/mllens.yaml: unsupported YAML tag !!python/name:os.system at line 2"
    )


def test_json_100000_deep_is_one_line_and_exit_2(here: Path) -> None:
    (here / "deep.json").write_bytes(TEMPLATES["deep json array"]())
    assert one_error(["report", "proj", "--no-cache", "--baseline", "deep.json"]) == (
        "error: deep.json: JSON nested deeper than 256 levels (expected a JSON report from `mllens scan --format json`)"
    )
    assert one_error(["lens", "import", "deep.json"]) == "error: deep.json: JSON nested deeper than 256 levels"


def test_an_unwritable_output_is_one_line_and_exit_2(here: Path) -> None:
    assert one_error(["report", "proj", "--no-cache", "-o", "missing/dir/x.md"]) == (
        "error: missing/dir/x.md: cannot write (No such file or directory)"
    )
    html = one_error(["scan", "proj", "--no-cache", "-q", "--html", "proj"])
    assert html == "error: proj: cannot write (Is a directory)"
    assert one_error(["lens", "export", "-o", "missing/lens.json"]) == (
        "error: missing/lens.json: cannot write (No such file or directory)"
    )


def test_every_written_file_is_announced_the_same_way(here: Path) -> None:
    outcome = run(["scan", "proj", "--no-cache", "-q", "-f", "json", "-o", "now.json", "--html", "now.html"])
    assert outcome.code == 0, outcome.err
    assert outcome.err.splitlines() == ["wrote now.json", "wrote now.html"]
    outcome = run(["report", "proj", "--no-cache", "-f", "markdown", "-o", "now.md", "--baseline", "now.json"])
    assert (outcome.code, outcome.err) == (0, "wrote now.md\n")


def test_a_json_that_is_not_a_scan_report_says_so(here: Path) -> None:
    (here / "lens.json").write_text(json.dumps(CUSTOM_LENS), encoding="utf-8")
    (here / "list.json").write_text("[1, 2]", encoding="utf-8")
    (here / "bad.json").write_text('{"lens": {"id": "ml", "version": "1"}, "practices": [{"id": 3}]}', encoding="utf-8")
    not_a_report = "not an mllens JSON report (expected the output of `mllens scan --format json`)"
    assert one_error(["scan", "proj", "--no-cache", "-q", "--baseline", "lens.json"]) == (
        f"error: lens.json: {not_a_report}, got an AWS custom lens"
    )
    assert one_error(["report", "proj", "--no-cache", "--baseline", "list.json"]) == (
        f"error: list.json: {not_a_report}, got an array"
    )
    assert one_error(["report", "proj", "--no-cache", "--baseline", "bad.json"]) == (
        f"error: bad.json: {not_a_report}: practices[0].id: expected text (got 3)"
    )


def test_a_json_that_is_not_a_custom_lens_says_so(here: Path) -> None:
    (here / "scan.json").write_bytes(scan_json())
    expected = (
        "error: scan.json: not an AWS Well-Architected custom lens (expected a JSON object with schemaVersion, name,"
        " description, pillars), got an mllens scan report (`mllens scan --format json`)"
    )
    assert one_error(["lens", "lint", "scan.json"]) == expected
    assert one_error(["lens", "import", "scan.json"]) == expected


def test_a_project_path_that_is_not_a_folder_says_what_it_is(here: Path) -> None:
    (here / "file.txt").write_text("x", encoding="utf-8")
    assert one_error(["scan", "nowhere"]) == "error: nowhere: does not exist (expected a project folder)"
    assert one_error(["report", "file.txt"]) == "error: file.txt: is a file, expected a project folder"


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_for_saving(here: Path, url: str) -> None:
    assert one_error(["milestone", "save", "m1", "proj", "--db", url]) == (
        f"error: --db: {url} is an in-memory database, so nothing saved would be kept once mllens exits;"
        " give a database file (sqlite:///path/to/mllens.db) or a server URL"
    )
