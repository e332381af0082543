"""Notebook cells parsed together give exactly what parsing each cell alone gives."""

from __future__ import annotations

import ast
import random

from mllens.scan.code import sources
from mllens.scan.code.analysis import Unit
from mllens.scan.parse.notebook import Cell, Notebook

SNIPPETS = [
    "import numpy as np",
    "x = 1",
    "if x > 1:",
    "    y = 2",
    "def f(a):\n    return a",
    "@dec",
    "class C:\n    pass",
    "x = (1,",
    "2)",
    "s = '''abc",
    "x = 1 \\",  # a final backslash: alone this cell does not parse
    "# comment",
    "",
    "%matplotlib inline",
    "!pip install x",
    "%%bash\necho hi",
    "for i in range(3):\n    model.fit(X, i)",
    "a\rb",
    "else:\n    pass",
]
VALID = ["import numpy as np", "x = 1", "def f(a):\n    return a", "# comment", "%matplotlib inline", "y = f(x)"]


def _alone(notebook: Notebook) -> tuple[list[Unit], list[int]]:
    units: list[Unit] = []
    broken: list[int] = []
    for cell in notebook.code_cells():
        source = sources.strip_magics(cell.source)
        if source is None or not source.strip():
            if cell.source.strip() and source is not None:
                broken.append(cell.number)
            continue
        tree = sources._parse(source)
        if tree is None:
            broken.append(cell.number)
        else:
            units.append(Unit(tree=tree, cell=cell.number, line_map=cell.file_line))
    return units, broken


def _seen(found: tuple[list[Unit], list[int]]) -> tuple[list[object], list[int]]:
    units, broken = found
    return [
        (u.cell, ast.dump(u.tree), [(type(n).__name__, u.line(n)) for n in ast.walk(u.tree) if hasattr(n, "lineno")])
        for u in units
    ], broken


def test_same_units_as_cell_by_cell() -> None:
    rng = random.Random(5)
    joined = 0
    for _ in range(3000):
        cells, line = [], 3
        for i in range(rng.randint(1, 5)):
            pool = SNIPPETS if rng.random() < 0.5 else VALID
            source = "\n".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
            count = source.count("\n") + 1
            cells.append(Cell(index=i, kind="code", source=source, lines=tuple(range(line, line + count))))
            line += count + 2
        notebook = Notebook(cells=tuple(cells), language="python", nbformat=4)
        assert _seen(sources.notebook_units(notebook)) == _seen(_alone(notebook)), [c.source for c in cells]
        candidates = [(c, sources.strip_magics(c.source)) for c in cells]
        usable = [(c, s) for c, s in candidates if s is not None and s.strip()]
        joined += len(usable) > 1 and sources._together(usable) is not None
    assert joined > 100  # the one-parse path was taken often enough to be tested


def test_lines_point_into_the_notebook_file() -> None:
    cells = (
        Cell(index=0, kind="code", source="import numpy as np\nnp.random.seed(1)", lines=(5, 6)),
        Cell(index=1, kind="markdown", source="# notes", lines=(9,)),
        Cell(index=2, kind="code", source="x = 1\nnp.random.seed(2)", lines=(12, 13)),
    )
    units, broken = sources.notebook_units(Notebook(cells=cells, language="python", nbformat=4))
    assert broken == [] and [u.cell for u in units] == [1, 3]
    calls = [(u.cell, u.line(n)) for u in units for n in ast.walk(u.tree) if isinstance(n, ast.Call)]
    assert calls == [(1, 6), (3, 13)]
