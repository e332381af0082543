"""MLflow metadata: MLproject files, a local tracking store (mlruns/: experiment and run
meta.yaml, registered models) and MLmodel files.

Only YAML metadata is read. Logged artifacts (pickles, weights) are indexed by the walker as
binary and never opened; run parameters, metrics and tags are files without an extension
that the index lists by path, which is all the rules need of them.
"""

from __future__ import annotations

import re
from typing import Any

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.parse.yaml import YamlMap
from mllens.scan.registry import rule

_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
_STORE = re.compile(r"(?:^|/)(?:mlruns|mlartifacts)/")


def _doc(ctx: FileContext) -> YamlMap | None:
    docs = ctx.file.data if isinstance(ctx.file.data, list) else []
    return docs[0] if docs and isinstance(docs[0], YamlMap) else None


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _store_meta(ctx: FileContext) -> YamlMap | None:
    """The meta.yaml of a file store (mlruns/...), or None for any other file."""
    if not ctx.file.path.endswith("meta.yaml") or not _STORE.search(ctx.file.path):
        return None
    return _doc(ctx)


def _runs_of(ctx: FileContext, experiment_dir: str) -> list[str]:
    """Run folders of an experiment folder (each holds a meta.yaml)."""
    runs = []
    for path in ctx.index.paths(f"{experiment_dir}/*/meta.yaml"):
        run = _parent(path)
        if _parent(run) == experiment_dir and _RUN_ID.match(run.rpartition("/")[2]):
            runs.append(run)
    return runs


@rule()
def mlproject(ctx: FileContext) -> None:
    """An MLproject file: parameterised entry points run with `mlflow run`."""
    if ctx.file.path.rpartition("/")[2] != "MLproject":
        return
    doc = _doc(ctx)
    entries = doc.get("entry_points") if doc is not None else None
    if doc is None or not isinstance(entries, YamlMap) or not entries:
        return
    env = next((k for k in ("python_env", "conda_env", "docker_env") if k in doc), None)
    with_params = [str(n) for n, e in entries.items() if isinstance(e, dict) and e.get("parameters")]
    if with_params:
        where = f", in a declared environment ({env})" if env else ""
        ctx.supports(line=entries.line_of(with_params[0]),
                     message=f"MLproject entry point(s) {', '.join(with_params[:3])} take declared parameters; "
                             f"`mlflow run` records them with the git commit{where}")


@rule()
def tracked_runs(ctx: FileContext) -> None:
    """An experiment in a local MLflow file store, with its runs."""
    meta = _store_meta(ctx)
    if meta is None or "experiment_id" not in meta or "run_id" in meta or "run_uuid" in meta:
        return
    folder = _parent(ctx.file.path)
    runs = _runs_of(ctx, folder)
    if not runs:
        return
    logged = [r for r in runs if ctx.index.exists(f"{r}/metrics/*", f"{r}/params/*")]
    if not logged:
        return
    name = meta.get("name", meta.get("experiment_id"))
    ctx.supports(line=meta.line_of("name") if "name" in meta else 1,
                 message=f"MLflow experiment '{name}' holds {len(logged)} run(s) with logged parameters or metrics")


@rule()
def run_git_commit(ctx: FileContext) -> None:
    """Runs of a local MLflow experiment that recorded the git commit they ran from."""
    meta = _store_meta(ctx)
    if meta is None or "experiment_id" not in meta or "run_id" in meta or "run_uuid" in meta:
        return
    runs = _runs_of(ctx, _parent(ctx.file.path))
    with_commit = [r for r in runs if ctx.index.exists(f"{r}/tags/mlflow.source.git.commit")]
    if not with_commit:
        return
    with_params = [r for r in with_commit if ctx.index.exists(f"{r}/params/*")]
    if with_params:
        ctx.supports(line=1, message=f"{len(with_params)} of {len(runs)} MLflow run(s) record the git commit and "
                                     "the parameters they ran with")
    else:  # a commit without parameters is only half of the lineage
        ctx.info(line=1, message=f"{len(with_commit)} of {len(runs)} MLflow run(s) record the git commit they ran "
                                 "from, but no parameters")


@rule()
def registered_model(ctx: FileContext) -> None:
    """A registered model in a local MLflow model registry (mlruns/models/<name>/)."""
    meta = _store_meta(ctx)
    if meta is None or "name" not in meta or "version" in meta:
        return
    folder = _parent(ctx.file.path)
    if _parent(folder).rpartition("/")[2] != "models":
        return
    versions = [p for p in ctx.index.paths(f"{folder}/version-*/meta.yaml") if _parent(_parent(p)) == folder]
    if not versions:
        return
    ctx.supports(line=meta.line_of("name"),
                 message=f"model '{meta['name']}' is registered in the MLflow model registry with "
                         f"{len(versions)} version(s)")


def _has_inputs(signature: Any) -> bool:
    if not isinstance(signature, dict):
        return False
    inputs = signature.get("inputs")
    return bool(inputs) and str(inputs).strip() not in ("[]", "null", "None")


@rule()
def model_signature(ctx: FileContext) -> None:
    """An MLmodel file with an input signature that MLflow serving enforces."""
    if ctx.file.path.rpartition("/")[2] != "MLmodel":
        return
    doc = _doc(ctx)
    if doc is None or "flavors" not in doc or not _has_inputs(doc.get("signature")):
        return
    kind = "tensor" if "tensor" in str(doc["signature"].get("inputs")) else "column"
    ctx.supports(line=doc.line_of("signature"),
                 message=f"MLmodel declares a {kind}-based input signature that MLflow serving checks requests against")


@rule(scope="project")
def tracking_database(ctx: ProjectContext) -> None:
    """An MLflow SQLite tracking database (mlflow.db) in the tree, indexed but never opened."""
    found = sorted(f.path for f in ctx.index.files if f.path.rpartition("/")[2] == "mlflow.db" and f.size > 0)
    if found:
        ctx.supports(file=found[0], line=None,
                     message="an MLflow SQLite tracking database is kept with the project (contents not read)")
