"""notebooks: the same code signals as python_code, read from notebook code cells (parsed
as JSON, never executed; IPython magics blanked), and whether training lives only there."""

from __future__ import annotations

from mllens.scan.code import signals_model as model
from mllens.scan.code import signals_ops as ops
from mllens.scan.code import signals_train as train
from mllens.scan.code.sources import notebook_code
from mllens.scan.code.triggers import run
from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.registry import rule


@rule()
def random_seeds(ctx: FileContext) -> None:
    run(ops.random_seeds, ctx, notebook_code(ctx.file))


@rule()
def experiment_tracking(ctx: FileContext) -> None:
    run(ops.experiment_tracking, ctx, notebook_code(ctx.file))


@rule()
def model_registry(ctx: FileContext) -> None:
    run(ops.model_registry, ctx, notebook_code(ctx.file))


@rule()
def data_validation(ctx: FileContext) -> None:
    run(model.data_validation, ctx, notebook_code(ctx.file))


@rule()
def explainability(ctx: FileContext) -> None:
    run(model.explainability, ctx, notebook_code(ctx.file))


@rule()
def bias_measurement(ctx: FileContext) -> None:
    run(model.bias_measurement, ctx, notebook_code(ctx.file))


@rule()
def unsafe_deserialisation(ctx: FileContext) -> None:
    run(model.unsafe_deserialisation, ctx, notebook_code(ctx.file))


@rule()
def hyperparameter_search(ctx: FileContext) -> None:
    run(train.hyperparameter_search, ctx, notebook_code(ctx.file))


@rule()
def search_strategy(ctx: FileContext) -> None:
    run(train.search_strategy, ctx, notebook_code(ctx.file))


@rule()
def early_stopping(ctx: FileContext) -> None:
    run(train.early_stopping, ctx, notebook_code(ctx.file))


@rule()
def checkpointing(ctx: FileContext) -> None:
    run(train.checkpointing, ctx, notebook_code(ctx.file))


@rule()
def spot_training(ctx: FileContext) -> None:
    run(train.spot_training, ctx, notebook_code(ctx.file))


@rule()
def distributed_training(ctx: FileContext) -> None:
    run(train.distributed_training, ctx, notebook_code(ctx.file))


@rule()
def training_profiler(ctx: FileContext) -> None:
    run(train.training_profiler, ctx, notebook_code(ctx.file))


@rule()
def training_in_notebook(ctx: FileContext) -> None:
    sites = train.training_sites(notebook_code(ctx.file))
    if sites:
        first = sites[0]
        ctx.info(line=first.line, message=f"notebook trains a model: {first.name}{first.where}")
        ctx.fact("training", {"file": ctx.file.path, "line": first.line, "notebook": True})


@rule(scope="project")
def training_only_in_notebooks(ctx: ProjectContext) -> None:
    training = list(ctx.facts_of("training"))
    in_notebooks = sorted((f for f in training if f["notebook"]), key=lambda f: (f["file"], f["line"]))
    if in_notebooks and not any(not f["notebook"] for f in training):
        first = in_notebooks[0]
        ctx.contradicts(
            file=first["file"],
            line=first["line"],
            message=f"models are trained only in notebooks ({len(in_notebooks)}), in no versioned module",
        )
