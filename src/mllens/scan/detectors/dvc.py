"""DVC metadata: pipelines (dvc.yaml), their lock (dvc.lock), tracked data (*.dvc), the
remote configuration (.dvc/config) and the parameters file the stages read.

Only DVC's own metadata is read; the data it points at never is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.parse.yaml import YamlMap
from mllens.scan.registry import rule

_TRAIN = re.compile(r"train|\bfit\b|fine[-_]?tun", re.IGNORECASE)
_PREP = re.compile(
    r"prep|process|featur|clean|split|ingest|extract|transform|etl|download|load[-_]?data|make[-_]?dataset|"
    r"generate[-_]?data|build[-_]?dataset",
    re.IGNORECASE,
)
_MODEL_OUT = re.compile(r"(^|/)models?(/|$)|\.(pkl|pickle|joblib|pt|pth|ckpt|onnx|h5|keras|safetensors|cbm)$")
_REMOTE_SECTION = re.compile(r"""^\s*\[\s*['"]?\s*remote\s+"([^"]+)"\s*['"]?\s*\]\s*$""")
_SECTION = re.compile(r"^\s*\[.*\]\s*$")
_URL = re.compile(r"^\s*url\s*=\s*(\S+)")
_SEED_KEYS = frozenset({"seed", "random_seed", "random_state", "rng_seed", "global_seed"})


def _base(path: str) -> str:
    return path.rpartition("/")[2]


def _first_doc(ctx: FileContext) -> YamlMap | None:
    docs = ctx.file.data if isinstance(ctx.file.data, list) else []
    return docs[0] if docs and isinstance(docs[0], YamlMap) else None


def _stages(ctx: FileContext) -> Iterator[tuple[str, YamlMap, int]]:
    doc = _first_doc(ctx)
    stages = doc.get("stages") if doc is not None else None
    if not isinstance(stages, YamlMap):
        return
    for name, stage in stages.items():
        if isinstance(stage, YamlMap):
            body = stage.get("do")  # foreach/do and matrix stages keep the stage under "do"
            yield str(name), body if isinstance(body, YamlMap) else stage, stages.line_of(name)


def _paths(entries: Any) -> list[str]:
    """Paths of deps/outs/metrics lists, whose items are strings or one-key maps."""
    out: list[str] = []
    for item in entries if isinstance(entries, list) else []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            out.extend(str(key) for key in item)
    return out


def _cmd(stage: YamlMap) -> str:
    cmd = stage.get("cmd")
    return " ".join(str(c) for c in cmd) if isinstance(cmd, list) else str(cmd or "")


def _program(cmd: str) -> str:
    """What a stage command runs (`python -m pkg.train ...` -> pkg.train, `python src/prep.py`
    -> src/prep.py), so that arguments such as data/features do not decide the stage's kind."""
    tokens = cmd.split()
    for i, token in enumerate(tokens):
        if token == "-m" and i + 1 < len(tokens):
            return tokens[i + 1]
        if token.endswith((".py", ".R", ".sh", ".ipynb")):
            return token
    return " ".join(tokens[:2])


def _stage_kind(name: str, cmd: str, outs: list[str]) -> str | None:
    """'train', 'prep' or None, from the stage name first (a "split_train_test" stage
    prepares data), then what it writes, then the program it runs."""
    model_out = any(_MODEL_OUT.search(o) for o in outs)
    program = _program(cmd)
    if _PREP.search(name) and not model_out:
        return "prep"
    if _TRAIN.search(name) or model_out:
        return "train"
    if _TRAIN.search(program):
        return "train"
    return "prep" if _PREP.search(program) else None


@rule()
def pipeline_stages(ctx: FileContext) -> None:
    """dvc.yaml stages: a training step and data-preparation steps defined as a pipeline."""
    if _base(ctx.file.path) != "dvc.yaml":
        return
    folder = ctx.file.path.rpartition("/")[0]
    training: list[tuple[str, int]] = []
    preparing: list[tuple[str, int]] = []
    for name, stage, line in _stages(ctx):
        if "cmd" not in stage:
            continue
        outs = _paths(stage.get("outs"))
        for out in outs:
            ctx.fact("dvc_out", f"{folder}/{out}" if folder else out)
        kind = _stage_kind(name, _cmd(stage), outs)
        if kind == "train":
            training.append((name, line))
        elif kind == "prep":
            preparing.append((name, line))
    if training:
        names = ", ".join(n for n, _ in training)
        ctx.supports(line=training[0][1], check="ml_pipeline",
                     message=f"DVC pipeline stage(s) train the model: {names}")
    if preparing:
        names = ", ".join(n for n, _ in preparing)
        ctx.supports(line=preparing[0][1], check="data_pipeline",
                     message=f"DVC pipeline stage(s) prepare the data: {names}")


@rule()
def lock_lineage(ctx: FileContext) -> None:
    """dvc.lock: each stage's command, code, data and parameters recorded by content hash."""
    if _base(ctx.file.path) != "dvc.lock":
        return
    hashed_stages: list[str] = []
    data_deps: list[str] = []
    first_line: int | None = None
    for name, stage, line in _stages(ctx):
        deps = [d for d in stage.get("deps") or [] if isinstance(d, dict)]
        if not any(("md5" in d or "hash" in d or "etag" in d) for d in deps):
            continue
        hashed_stages.append(name)
        first_line = first_line or line
        for dep in deps:
            path = str(dep.get("path", ""))
            if path and not path.endswith((".py", ".sh", ".R", ".ipynb", ".yaml", ".yml", ".toml")):
                data_deps.append(path)
    if not hashed_stages:
        return
    ctx.supports(line=first_line, check="run_lineage",
                 message=f"dvc.lock records the code, data and parameters of {len(hashed_stages)} stage(s) by hash")
    if data_deps:
        shown = ", ".join(sorted(set(data_deps))[:3])
        ctx.supports(line=first_line, check="dataset_versioning",
                     message=f"dvc.lock pins the data the stages read by content hash ({shown})")


@rule()
def tracked_data(ctx: FileContext) -> None:
    """A .dvc pointer file: data kept out of git and versioned by hash."""
    if not ctx.file.path.endswith(".dvc"):
        return
    doc = _first_doc(ctx)
    outs = doc.get("outs") if doc is not None else None
    if doc is None or not isinstance(outs, list):
        return
    hashed = [o for o in outs if isinstance(o, dict) and ("md5" in o or "hash" in o or "etag" in o)]
    folder = ctx.file.path.rpartition("/")[0]
    for out in hashed:
        path = str(out.get("path", ""))
        ctx.fact("dvc_out", f"{folder}/{path}" if folder else path)
    # Data only: not the stage files of DVC 1.x and older (they carry a `cmd`), not outputs
    # kept in git (`cache: false`, such as metrics), not model files.
    data = [o for o in hashed if o.get("cache") is not False and not o.get("metric")
            and not _MODEL_OUT.search(str(o.get("path", "")))]
    if "cmd" in doc or not data:
        return
    what = ", ".join(str(o.get("path", "?")) for o in data[:3])
    ctx.supports(line=doc.line_of("outs"), message=f"DVC versions {what} by content hash")


@rule()
def tracked_model(ctx: FileContext) -> None:
    """A .dvc pointer to a model file: the artefact a service loads, versioned by hash."""
    if not ctx.file.path.endswith(".dvc"):
        return
    doc = _first_doc(ctx)
    outs = doc.get("outs") if doc is not None else None
    if doc is None or "cmd" in doc or not isinstance(outs, list):
        return  # a DVC 1.x stage file writes the model; its lock is judged by lock_lineage
    models = [o for o in outs if isinstance(o, dict) and ("md5" in o or "hash" in o or "etag" in o)
              and o.get("cache") is not False and _MODEL_OUT.search(str(o.get("path", "")))]
    if models:
        what = ", ".join(str(o.get("path", "?")) for o in models[:3])
        ctx.supports(line=doc.line_of("outs"), message=f"DVC versions the model {what} by content hash: "
                                                       "each commit names the exact artefact to serve")


@rule()
def data_remote(ctx: FileContext) -> None:
    """.dvc/config: a remote where the versioned data is pushed, or none."""
    if not ctx.file.path.endswith(".dvc/config"):
        return
    remotes: list[tuple[str, str, int]] = []
    current: str | None = None
    for number, text in enumerate(ctx.file.text.splitlines(), start=1):
        section = _REMOTE_SECTION.match(text)
        if section:
            current = section.group(1)
            continue
        if _SECTION.match(text):
            current = None
            continue
        found = _URL.match(text)
        if current is not None and found:
            remotes.append((current, found.group(1), number))
    root = ctx.file.path[: -len(".dvc/config")]
    if not ctx.index.exists(f"{root}*.dvc", f"{root}*dvc.yaml"):
        return  # DVC set up but tracking nothing yet: nothing to judge
    if not remotes:
        ctx.contradicts(line=1, confidence=0.6,
                        message="DVC tracks data but .dvc/config defines no remote: the data lives on one machine only")
        return
    name, url, line = remotes[0]
    scheme = url.split("://", 1)[0] if "://" in url else "a local path"
    if "://" in url:
        ctx.supports(line=line, message=f"DVC remote '{name}' ({scheme}) stores the versioned data")
    else:
        ctx.supports(line=line, confidence=0.5,
                     message=f"DVC remote '{name}' is a local path: versioned, but on this machine's storage")


@rule()
def metrics_tracked(ctx: FileContext) -> None:
    """dvc.yaml metrics (stage or top level) beside tracked parameters: runs comparable by DVC."""
    if _base(ctx.file.path) != "dvc.yaml":
        return
    doc = _first_doc(ctx)
    if doc is None:
        return
    line: int | None = None
    files: list[str] = _paths(doc.get("metrics"))
    if files:
        line = doc.line_of("metrics")
    params = bool(doc.get("params"))
    for _name, stage, stage_line in _stages(ctx):
        found = _paths(stage.get("metrics"))
        if found and line is None:
            line = stage.line_of("metrics") if "metrics" in stage else stage_line
        files += found
        params = params or bool(stage.get("params"))
    if not files:
        return
    if not params and not ctx.index.exists("*params.yaml"):
        return
    shown = ", ".join(files[:3])
    ctx.supports(line=line, message=f"DVC tracks metrics ({shown}) with the parameters of each run")


def _seed(value: Any, path: str = "") -> Iterator[tuple[str, Any, int | None]]:
    if isinstance(value, YamlMap):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if str(key).lower() in _SEED_KEYS and isinstance(item, int) and not isinstance(item, bool):
                yield name, item, value.line_of(key)
            else:
                yield from _seed(item, name)


@rule()
def params_seed(ctx: FileContext) -> None:
    """params.yaml of a DVC pipeline fixing a random seed."""
    if _base(ctx.file.path) not in ("params.yaml", "params.yml"):
        return
    folder = ctx.file.path.rpartition("/")[0]
    if not ctx.index.exists(f"{folder}/dvc.yaml" if folder else "dvc.yaml"):
        return
    found = next(_seed(_first_doc(ctx)), None)
    if found is not None:
        name, value, line = found
        ctx.supports(line=line, message=f"DVC pipeline parameter {name} = {value} fixes the random seed")
