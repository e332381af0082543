"""CodeIndex builders for a Python module and for a notebook's code cells.

Notebook cells are parsed one by one (a cell that does not parse is skipped, the others
still count) after IPython syntax is blanked out: line magics, shell escapes (`!pip`,
`x = !ls`), help (`obj?`) and cell magics other than the few that run Python. Cells share
one namespace, as in a kernel, so an import in cell 1 resolves a call in cell 7.

Parsing a few hundred small cells one call at a time costs far more than parsing their
text once, so the cells are first parsed together, one after the other; that result is used
when every top-level statement lies inside one cell (then each cell, parsed alone, would
have given the same statements). When a statement spans two cells (a cell ending in an
open bracket or a block header) or the whole does not parse, each cell is parsed alone.
"""

from __future__ import annotations

import ast
import re
import warnings

from mllens.scan.code.analysis import CodeIndex, Unit
from mllens.scan.code.lazy import LazyIndex
from mllens.scan.context import ParsedFile
from mllens.scan.parse.notebook import Cell, Notebook

_MAGIC = re.compile(r"^(\s*)(?:[%!]|[\w.]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$|\?)")
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "writefile", "file"})


def strip_magics(source: str) -> str | None:
    """Cell source with IPython-only lines blanked (line numbers kept); None when the whole
    cell is in another language (%%bash, %%sql ...)."""
    if "%" not in source and "!" not in source and "?" not in source:
        return source  # every magic, escape and help line has one of these
    lines = source.split("\n")
    first = lines[0].lstrip() if lines else ""
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if len(first) > 2 else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return None
        lines[0] = ""
    out = []
    for line in lines:
        found = _MAGIC.match(line)
        out.append(f"{found.group(1)}pass" if found and found.group(1) else ("" if found else line))
    return "\n".join(out)


def _parse(source: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", None)
    return min(statement.lineno, *(d.lineno for d in decorators)) if decorators else statement.lineno


def _together(cells: list[tuple[Cell, str]]) -> list[Unit] | None:
    """Units of all `cells` from one parse of their joined text, or None when that parse
    could differ from parsing each cell alone."""
    starts = []  # first line of each cell in the joined text
    line = 1
    for _, source in cells:
        starts.append(line)
        line += source.count("\n") + 1
    joined = "\n".join(source for _, source in cells)
    if "\r" in joined:  # a lone CR ends a line for the tokenizer, not for the count above
        return None
    if any(source.rstrip().endswith("\\") for _, source in cells):
        return None  # a final backslash would join the next cell's first line to this one
    tree = _parse(joined)
    if tree is None:
        return None
    bodies: list[list[ast.stmt]] = [[] for _ in cells]
    at = 0
    for statement in tree.body:
        first, last = _first_line(statement), statement.end_lineno or statement.lineno
        while at + 1 < len(starts) and starts[at + 1] <= first:
            at += 1
        if first < starts[at] or (at + 1 < len(starts) and last >= starts[at + 1]):
            return None  # a statement across two cells
        bodies[at].append(statement)
    units = []
    for (cell, _), start, body in zip(cells, starts, bodies, strict=True):
        shift = start - 1
        line_map = cell.file_line if not shift else (lambda n, c=cell, s=shift: c.file_line(n - s))
        units.append(Unit(tree=ast.Module(body=body, type_ignores=[]), cell=cell.number, line_map=line_map))
    return units


def notebook_units(notebook: Notebook) -> tuple[list[Unit], list[int]]:
    """(units of the code cells that parse, numbers of the code cells that do not)."""
    units: list[Unit] = []
    broken: list[int] = []
    if notebook.language not in (None, "python", "python3"):
        return units, broken
    cells: list[tuple[Cell, str]] = []
    for cell in notebook.code_cells():
        source = strip_magics(cell.source)
        if source is not None and source.strip():
            cells.append((cell, source))
        elif cell.source.strip() and source is not None:
            broken.append(cell.number)  # only magics or escapes: nothing Python to read
    together = _together(cells) if len(cells) > 1 else None
    if together is not None:
        return together, broken
    for cell, source in cells:
        tree = _parse(source)
        if tree is None:
            broken.append(cell.number)
        else:
            units.append(Unit(tree=tree, cell=cell.number, line_map=cell.file_line))
    return units, sorted(broken)


def _module_index(parsed: ParsedFile) -> CodeIndex:
    # the module is parsed only if a question cannot be answered from its words
    return LazyIndex(lambda: [Unit(parsed.data)], parsed.text)


def _notebook_index(parsed: ParsedFile) -> CodeIndex:
    notebook = parsed.data
    text = "\n".join(cell.source for cell in notebook.code_cells())
    return LazyIndex(lambda: notebook_units(notebook)[0], text)


def module_code(parsed: ParsedFile) -> CodeIndex:
    """The CodeIndex of a Python module (made once per file; every rule asks for it)."""
    found = parsed.derived.get("code")
    return found if found is not None else parsed.memo("code", _module_index)


def notebook_code(parsed: ParsedFile) -> CodeIndex:
    """The CodeIndex of a notebook's code cells (made once per file)."""
    found = parsed.derived.get("code")
    return found if found is not None else parsed.memo("code", _notebook_index)
