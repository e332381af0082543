"""python_code: what a project's Python modules do, read from their AST (never imported).

Each rule is a thin wrapper over a signal in mllens.scan.code; the notebooks family wraps
the same signals for notebook cells, so both read code the same way.
"""

from __future__ import annotations

from mllens.scan.code import signals_model as model
from mllens.scan.code import signals_ops as ops
from mllens.scan.code import signals_train as train
from mllens.scan.code.analysis import CodeIndex
from mllens.scan.code.sources import module_code
from mllens.scan.code.triggers import Signal, quiet, run
from mllens.scan.context import FileContext, ParsedFile, ProjectContext
from mllens.scan.kinds import is_test_path
from mllens.scan.registry import rule


@rule()
def random_seeds(ctx: FileContext) -> None:
    run(ops.random_seeds, ctx, module_code(ctx.file))


@rule()
def experiment_tracking(ctx: FileContext) -> None:
    run(ops.experiment_tracking, ctx, module_code(ctx.file))


@rule()
def model_registry(ctx: FileContext) -> None:
    run(ops.model_registry, ctx, module_code(ctx.file))


@rule()
def ml_pipeline(ctx: FileContext) -> None:
    run(ops.ml_pipeline, ctx, module_code(ctx.file))


@rule()
def sdk_infrastructure(ctx: FileContext) -> None:
    run(ops.sdk_infrastructure, ctx, module_code(ctx.file))


@rule()
def data_validation(ctx: FileContext) -> None:
    run(model.data_validation, ctx, module_code(ctx.file))


@rule()
def feature_baseline(ctx: FileContext) -> None:
    run(model.feature_baseline, ctx, module_code(ctx.file))


@rule()
def explainability(ctx: FileContext) -> None:
    run(model.explainability, ctx, module_code(ctx.file))


@rule()
def bias_measurement(ctx: FileContext) -> None:
    run(model.bias_measurement, ctx, module_code(ctx.file))


@rule()
def unsafe_deserialisation(ctx: FileContext) -> None:
    run(model.unsafe_deserialisation, ctx, module_code(ctx.file))


@rule()
def safe_weights_loading(ctx: FileContext) -> None:
    run(model.safe_weights_loading, ctx, module_code(ctx.file))


@rule()
def model_compilation(ctx: FileContext) -> None:
    run(model.model_compilation, ctx, module_code(ctx.file))


@rule()
def evaluation_gate(ctx: FileContext) -> None:
    run(model.evaluation_gate, ctx, module_code(ctx.file))


@rule()
def load_tests(ctx: FileContext) -> None:
    run(model.load_tests, ctx, module_code(ctx.file))


@rule()
def ml_tests(ctx: FileContext) -> None:
    run(model.ml_tests, ctx, module_code(ctx.file))


@rule()
def hyperparameter_search(ctx: FileContext) -> None:
    run(train.hyperparameter_search, ctx, module_code(ctx.file))


@rule()
def search_strategy(ctx: FileContext) -> None:
    run(train.search_strategy, ctx, module_code(ctx.file))


@rule()
def early_stopping(ctx: FileContext) -> None:
    run(train.early_stopping, ctx, module_code(ctx.file))


@rule()
def checkpointing(ctx: FileContext) -> None:
    run(train.checkpointing, ctx, module_code(ctx.file))


@rule()
def warm_start(ctx: FileContext) -> None:
    run(train.warm_start, ctx, module_code(ctx.file))


@rule()
def spot_training(ctx: FileContext) -> None:
    run(train.spot_training, ctx, module_code(ctx.file))


@rule()
def managed_training(ctx: FileContext) -> None:
    run(train.managed_training, ctx, module_code(ctx.file))


@rule()
def distributed_training(ctx: FileContext) -> None:
    run(train.distributed_training, ctx, module_code(ctx.file))


@rule()
def training_profiler(ctx: FileContext) -> None:
    run(train.training_profiler, ctx, module_code(ctx.file))


def _module_training(ctx: FileContext, code: CodeIndex) -> None:
    sites = train.training_sites(code)
    if sites:
        first = sites[0]
        ctx.supports(line=first.line, message=f"trains a model in a versioned module: {first.name}")
        ctx.fact("training", {"file": ctx.file.path, "line": first.line, "notebook": False})


@rule()
def training_in_modules(ctx: FileContext) -> None:
    # a test fits tiny models to check code; it is not where the project trains (nor, for
    # unseeded_training and training_only_in_notebooks, a training site)
    if not is_test_path(ctx.file.path):
        run(_module_training, ctx, module_code(ctx.file))


# What this family's rules run on a module that is not a test (ml_tests reads only those);
# `skip_file` rules a module out when none of them can find anything in its words.
SIGNALS: tuple[Signal, ...] = (
    ops.random_seeds,
    ops.experiment_tracking,
    ops.model_registry,
    ops.ml_pipeline,
    ops.sdk_infrastructure,
    model.data_validation,
    model.feature_baseline,
    model.explainability,
    model.bias_measurement,
    model.unsafe_deserialisation,
    model.safe_weights_loading,
    model.model_compilation,
    model.evaluation_gate,
    model.load_tests,
    train.hyperparameter_search,
    train.search_strategy,
    train.early_stopping,
    train.checkpointing,
    train.warm_start,
    train.spot_training,
    train.managed_training,
    train.distributed_training,
    train.training_profiler,
    _module_training,
)


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: True when no rule here can find anything in
    this module (most modules of a big project), so none is run."""
    return not is_test_path(file.path) and quiet(module_code(file), SIGNALS)


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
