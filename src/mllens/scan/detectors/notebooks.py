"""notebooks: what a notebook says as a notebook (parsed as JSON, never executed): whether it
trains a model, and whether training lives only in notebooks.

The code signals a notebook shares with modules (seeds, tracking, tuning ...) are rules of
python_code, which reads a notebook's code cells through the same view as a module.
"""

from __future__ import annotations

from mllens.scan.code import signals_train as train
from mllens.scan.code.analysis import CodeIndex
from mllens.scan.code.sources import notebook_code
from mllens.scan.code.triggers import quiet, run
from mllens.scan.context import FileContext, ParsedFile, ProjectContext
from mllens.scan.registry import rule


def _notebook_training(ctx: FileContext, code: CodeIndex) -> None:
    sites = train.training_sites(code)
    if sites:
        first = sites[0]
        ctx.info(line=first.line, message=f"notebook trains a model: {first.name}{first.where}")
        ctx.fact("training", {"file": ctx.file.path, "line": first.line, "notebook": True})


@rule()
def training_in_notebook(ctx: FileContext) -> None:
    run(_notebook_training, ctx, notebook_code(ctx.file))


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: True when the notebook's words show it trains
    nothing (no fit, train or backward call can be in it)."""
    return quiet(notebook_code(file), (_notebook_training,))


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
