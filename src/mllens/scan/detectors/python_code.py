"""python_code: what a project's Python code does, read from its syntax (never imported or run):
modules, and the code cells of notebooks.

Each rule runs one signal of mllens.scan.code over the file's CodeIndex, which reads a module
and a notebook's cells alike (mllens.scan.code.view): a signal is written once and reports from
either. A rule that only means something in a module says so (`notebooks=False`). Rules about
notebooks as such (training kept only there) are the notebooks family's.
"""

from __future__ import annotations

from mllens.scan.code import signals_data as fetch
from mllens.scan.code import signals_exposure as exposure
from mllens.scan.code import signals_libs as libs
from mllens.scan.code import signals_model as model
from mllens.scan.code import signals_ops as ops
from mllens.scan.code import signals_release as release
from mllens.scan.code import signals_seeds as seeds
from mllens.scan.code import signals_serving as serving
from mllens.scan.code import signals_storage as storage
from mllens.scan.code import signals_telemetry as telemetry
from mllens.scan.code import signals_train as train
from mllens.scan.code.analysis import CodeIndex
from mllens.scan.code.triggers import Signal
from mllens.scan.code.view import quiet_file, read
from mllens.scan.context import FileContext, ParsedFile, ProjectContext
from mllens.scan.kinds import is_test_path
from mllens.scan.registry import rule


@rule()
def random_seeds(ctx: FileContext) -> None:
    read(seeds.random_seeds, ctx)


@rule()
def experiment_tracking(ctx: FileContext) -> None:
    read(ops.experiment_tracking, ctx)


@rule()
def model_registry(ctx: FileContext) -> None:
    read(release.model_registry, ctx)


@rule()
def ml_pipeline(ctx: FileContext) -> None:
    read(ops.ml_pipeline, ctx, notebooks=False)


@rule()
def sdk_infrastructure(ctx: FileContext) -> None:
    read(ops.sdk_infrastructure, ctx, notebooks=False)


@rule()
def data_validation(ctx: FileContext) -> None:
    read(model.data_validation, ctx)
    read(model.unchecked_preparation, ctx, notebooks=False)


@rule()
def feature_baseline(ctx: FileContext) -> None:
    read(model.feature_baseline, ctx, notebooks=False)


@rule()
def explainability(ctx: FileContext) -> None:
    read(model.explainability, ctx)


@rule()
def bias_measurement(ctx: FileContext) -> None:
    read(model.bias_measurement, ctx)


@rule()
def unsafe_deserialisation(ctx: FileContext) -> None:
    read(model.unsafe_deserialisation, ctx)


@rule()
def safe_weights_loading(ctx: FileContext) -> None:
    read(model.safe_weights_loading, ctx, notebooks=False)


@rule()
def model_compilation(ctx: FileContext) -> None:
    read(model.model_compilation, ctx, notebooks=False)


@rule()
def evaluation_gate(ctx: FileContext) -> None:
    read(release.evaluation_gate, ctx, notebooks=False)


@rule()
def load_tests(ctx: FileContext) -> None:
    read(model.load_tests, ctx, notebooks=False)


@rule()
def ml_tests(ctx: FileContext) -> None:
    read(model.ml_tests, ctx, notebooks=False)


@rule()
def request_validation(ctx: FileContext) -> None:
    read(serving.request_validation, ctx, notebooks=False)


@rule()
def health_endpoint(ctx: FileContext) -> None:
    read(serving.health_endpoint, ctx, notebooks=False)


@rule()
def debug_server(ctx: FileContext) -> None:
    read(exposure.debug_server, ctx, notebooks=False)


@rule()
def endpoint_access(ctx: FileContext) -> None:
    read(exposure.endpoint_access, ctx, notebooks=False)


@rule()
def payload_urls(ctx: FileContext) -> None:
    read(exposure.payload_urls, ctx, notebooks=False)


@rule()
def db_credentials(ctx: FileContext) -> None:
    read(exposure.db_credentials, ctx)


@rule()
def serving_telemetry(ctx: FileContext) -> None:
    read(telemetry.serving_telemetry, ctx, notebooks=False)


@rule()
def storage_encryption(ctx: FileContext) -> None:
    read(storage.storage_encryption, ctx, notebooks=False)


@rule()
def step_retries(ctx: FileContext) -> None:
    read(libs.step_retries, ctx, notebooks=False)


@rule()
def point_in_time_retrieval(ctx: FileContext) -> None:
    read(libs.point_in_time_retrieval, ctx)


@rule()
def emissions_tracking(ctx: FileContext) -> None:
    read(libs.emissions_tracking, ctx)


@rule()
def monitoring_jobs(ctx: FileContext) -> None:
    read(libs.monitoring_jobs, ctx)


@rule()
def hub_revisions(ctx: FileContext) -> None:
    read(libs.hub_revisions, ctx, notebooks=False)


@rule()
def hyperparameter_search(ctx: FileContext) -> None:
    read(train.hyperparameter_search, ctx)


@rule()
def search_strategy(ctx: FileContext) -> None:
    read(train.search_strategy, ctx)


@rule()
def early_stopping(ctx: FileContext) -> None:
    read(train.early_stopping, ctx)


@rule()
def checkpointing(ctx: FileContext) -> None:
    read(train.checkpointing, ctx)


@rule()
def held_out_evaluation(ctx: FileContext) -> None:
    read(train.held_out_evaluation, ctx, notebooks=False)


@rule()
def warm_start(ctx: FileContext) -> None:
    read(train.warm_start, ctx, notebooks=False)


@rule()
def spot_training(ctx: FileContext) -> None:
    read(train.spot_training, ctx)


@rule()
def managed_training(ctx: FileContext) -> None:
    read(train.managed_training, ctx, notebooks=False)


@rule()
def distributed_training(ctx: FileContext) -> None:
    read(train.distributed_training, ctx)


@rule()
def training_profiler(ctx: FileContext) -> None:
    read(train.training_profiler, ctx)


def _module_training(ctx: FileContext, code: CodeIndex) -> None:
    sites = train.training_sites(code)
    if sites:
        first = sites[0]
        ctx.info(line=first.line, message=f"trains a model in a versioned module: {first.name}")
        ctx.fact("training", {"file": ctx.file.path, "line": first.line, "notebook": False})


@rule()
def training_in_modules(ctx: FileContext) -> None:
    # a test fits tiny models to check code; it is not where the project trains (nor, for
    # unseeded_training and training_only_in_notebooks, a training site)
    if not is_test_path(ctx.file.path):
        read(_module_training, ctx, notebooks=False)


# What this family's rules run on a notebook's code cells, and on a module that is not a
# test (ml_tests reads only those): `skip_file` rules a file out when none of them can find
# anything in its words.
IN_NOTEBOOKS: tuple[Signal, ...] = (
    seeds.random_seeds,
    ops.experiment_tracking,
    release.model_registry,
    model.data_validation,
    model.explainability,
    model.bias_measurement,
    model.unsafe_deserialisation,
    exposure.db_credentials,
    libs.point_in_time_retrieval,
    libs.emissions_tracking,
    libs.monitoring_jobs,
    train.hyperparameter_search,
    train.search_strategy,
    train.early_stopping,
    train.checkpointing,
    train.spot_training,
    train.distributed_training,
    train.training_profiler,
    fetch.dataset_downloads,
)
SIGNALS: tuple[Signal, ...] = (
    *IN_NOTEBOOKS,
    ops.ml_pipeline,
    ops.sdk_infrastructure,
    model.unchecked_preparation,
    model.feature_baseline,
    model.safe_weights_loading,
    model.model_compilation,
    release.evaluation_gate,
    model.load_tests,
    serving.request_validation,
    serving.health_endpoint,
    exposure.debug_server,
    exposure.endpoint_access,
    exposure.payload_urls,
    libs.step_retries,
    storage.storage_encryption,
    telemetry.serving_telemetry,
    libs.hub_revisions,
    train.warm_start,
    train.held_out_evaluation,
    train.managed_training,
    _module_training,
)


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: True when no rule here can find anything in
    this file (most modules of a big project, many notebooks), so none is run."""
    if is_test_path(file.path) and file.kind == "python":
        return False
    return quiet_file(file, SIGNALS, in_notebooks=IN_NOTEBOOKS)


@rule(scope="project")
def unseeded_training(ctx: ProjectContext) -> None:
    training = sorted(ctx.facts_of("training"), key=lambda f: (f["notebook"], f["file"], f["line"]))
    if training and not any(True for _ in ctx.facts_of("seeds")):
        first = training[0]
        ctx.contradicts(
            file=first["file"],
            line=first["line"],
            message=f"the project trains models ({len(training)} files) but never fixes a random seed",
        )


@rule()
def dataset_downloads(ctx: FileContext) -> None:
    read(fetch.dataset_downloads, ctx)


@rule(scope="project")
def unversioned_downloads(ctx: ProjectContext) -> None:
    found = [f for f in ctx.facts_of("data_download") if isinstance(f, dict) and not is_test_path(str(f["file"]))]
    if any(f.get("verified") for f in found):
        return  # the project pins some download by its hash (the unchecked one may be the helper it calls)
    downloads = sorted(found, key=lambda f: (f["file"], f["line"]))
    if not downloads:
        return
    if any(True for _ in ctx.facts_of("dvc_out")) or any(True for _ in ctx.facts_of("lfs_pattern")):
        return  # some data is versioned by DVC or kept in git LFS
    if any(f.path.endswith((".dvc", "dvc.yaml")) for f in ctx.index.files):
        return
    first = downloads[0]
    more = f" and {len(downloads) - 1} more" if len(downloads) > 1 else ""
    ctx.contradicts(file=".", line=None,
                    message=f"data is downloaded when the code runs ({first['call']} at {first['file']}:"
                            f"{first['line']}{more}) with no version or checksum, and nothing in the project "
                            "versions data (no DVC, no git LFS): a retrain cannot get the same data back")
