"""CodeIndex builders for a Python module and for a notebook's code cells.

Notebook cells are parsed one by one (a cell that does not parse is skipped, the others
still count) after IPython syntax is blanked out: line magics, shell escapes (`!pip`,
`x = !ls`), help (`obj?`) and cell magics other than the few that run Python. Cells share
one namespace, as in a kernel, so an import in cell 1 resolves a call in cell 7.
"""

from __future__ import annotations

import ast
import re
import warnings

from mllens.scan.code.analysis import CodeIndex, Unit
from mllens.scan.context import ParsedFile
from mllens.scan.parse.notebook import Cell, Notebook

_MAGIC = re.compile(r"^(\s*)(?:[%!]|[\w.]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$|\?)")
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "writefile", "file"})


def strip_magics(source: str) -> str | None:
    """Cell source with IPython-only lines blanked (line numbers kept); None when the whole
    cell is in another language (%%bash, %%sql ...)."""
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


def _parse_cell(cell: Cell) -> ast.Module | None:
    source = strip_magics(cell.source)
    if source is None or not source.strip():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def notebook_units(notebook: Notebook) -> tuple[list[Unit], list[int]]:
    """(units of the code cells that parse, numbers of the code cells that do not)."""
    units: list[Unit] = []
    broken: list[int] = []
    if notebook.language not in (None, "python", "python3"):
        return units, broken
    for cell in notebook.code_cells():
        tree = _parse_cell(cell)
        if tree is None:
            if cell.source.strip() and strip_magics(cell.source) is not None:
                broken.append(cell.number)
            continue
        units.append(Unit(tree=tree, cell=cell.number, line_map=cell.file_line))
    return units, broken


def module_code(parsed: ParsedFile) -> CodeIndex:
    """The CodeIndex of a Python module (built once per file)."""
    return parsed.memo("code", lambda p: CodeIndex([Unit(p.data)]))


def notebook_code(parsed: ParsedFile) -> CodeIndex:
    """The CodeIndex of a notebook's code cells (built once per file)."""
    return parsed.memo("code", lambda p: CodeIndex(notebook_units(p.data)[0]))
