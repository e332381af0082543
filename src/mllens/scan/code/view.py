"""One view of a file's code for the code rules: a Python module, or a notebook's code cells.

Both are read into the same CodeIndex (see mllens.scan.code.sources): every site knows its
line in the file and, in a notebook, its cell, so a signal written once reports from either.
A notebook's cells share one namespace as in a kernel; IPython magics are blanked.

Evidence read from a notebook weighs less than the same code in a module: it shows the
practice while exploring, not in code a pipeline runs. A rule's confidence from its metadata
is lowered by NOTEBOOK_DISCOUNT for it (a confidence the signal states itself is kept).
"""

from __future__ import annotations

import dataclasses

from mllens.scan.code.analysis import CodeIndex
from mllens.scan.code.sources import module_code, notebook_code
from mllens.scan.code.triggers import Signal, quiet, run
from mllens.scan.context import FileContext, ParsedFile
from mllens.scan.registry import Rule

NOTEBOOK = "notebook"  # the file kind whose code is a notebook's cells (mllens.scan.kinds)
NOTEBOOK_DISCOUNT = 0.1
_IN_NOTEBOOKS: dict[str, tuple[Rule, Rule]] = {}  # rule id -> (the rule, as it reads notebooks)


def code_of(file: ParsedFile) -> CodeIndex:
    """The CodeIndex of a module or of a notebook's code cells (made once per file)."""
    return notebook_code(file) if file.kind == NOTEBOOK else module_code(file)


def notebook_rule(rule: Rule) -> Rule:
    """The rule with the confidence its evidence has when read from a notebook (same id)."""
    known = _IN_NOTEBOOKS.get(rule.id)
    if known is None or known[0] is not rule:
        confidence = round(max(rule.meta.confidence - NOTEBOOK_DISCOUNT, 0.0), 2)
        weighed = dataclasses.replace(rule, meta=rule.meta.model_copy(update={"confidence": confidence}))
        known = _IN_NOTEBOOKS[rule.id] = (rule, weighed)
    return known[1]


def read(signal: Signal, ctx: FileContext, *, notebooks: bool = True) -> None:
    """Run `signal` on the file's code: a module's, or (when `notebooks`) a notebook's cells.
    Through triggers.run, so a signal is not run where the code's words rule it out."""
    file = ctx.file
    if file.kind != NOTEBOOK:
        run(signal, ctx, module_code(file))
    elif notebooks:
        rule = ctx.rule
        ctx.rule = notebook_rule(rule)
        try:
            run(signal, ctx, notebook_code(file))
        finally:
            ctx.rule = rule


def quiet_file(file: ParsedFile, signals: tuple[Signal, ...], *, in_notebooks: tuple[Signal, ...]) -> bool:
    """None of the signals a family runs on this file (`signals` on a module, `in_notebooks`
    on a notebook) can find anything in its code, as its words show."""
    return quiet(code_of(file), in_notebooks if file.kind == NOTEBOOK else signals)
