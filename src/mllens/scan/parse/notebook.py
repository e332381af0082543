"""Jupyter notebooks as data: cells and their source, never executed.

The JSON is decoded with `json`; each source line is mapped to its line in the .ipynb file
(nbformat writes one source line per JSON line), so evidence points at a line an editor or
a code-scanning viewer can open. Outputs are left out: nothing here reads them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from mllens.scan.parse.errors import ParseError

# "source": or "input": (a key, not the end of an escaped quote inside a string). The regex
# starts with its literal quote so the engine can skip ahead; the backslash before it is
# checked on each match (a look-behind would be tried at every position of the file).
_SOURCE_KEY = re.compile(r'"(?:source|input)"\s*:\s*')


@dataclass(frozen=True)
class Cell:
    index: int  # 0-based position in the notebook
    kind: str  # code, markdown, raw
    source: str
    lines: tuple[int, ...]  # file line of each source line (same length as source.split("\n"))

    @property
    def number(self) -> int:
        """1-based, as people count cells."""
        return self.index + 1

    def file_line(self, source_line: int) -> int:
        """File line of a 1-based line of this cell's source."""
        if 1 <= source_line <= len(self.lines):
            return self.lines[source_line - 1]
        return self.lines[-1] if self.lines else 1


@dataclass(frozen=True)
class Notebook:
    cells: tuple[Cell, ...]
    language: str | None
    nbformat: int | None

    def code_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.kind == "code"]


def _source_text(raw: Any, *, index: int) -> tuple[str, list[str]]:
    if isinstance(raw, str):
        return raw, [raw]
    if isinstance(raw, list) and all(isinstance(part, str) for part in raw):
        return "".join(raw), raw
    raise ParseError(f"cell {index + 1}: 'source' is neither text nor a list of text")


def _line_map(text: str, pos: int, base_line: int, parts: list[str]) -> tuple[int, ...]:
    """File line of each source line, given where the cell's "source" value starts: a list
    holds one string per JSON line after the opening bracket; a lone string sits on one line."""
    if text[pos : pos + 1] != "[":
        part_lines = [base_line] * len(parts)
    else:
        multiline = text[pos + 1 : pos + 64].lstrip(" \t")[:1] in ("\n", "\r")
        part_lines = [base_line + (1 + i if multiline else 0) for i in range(len(parts))]
    lines: list[int] = []
    for part, line in zip(parts, part_lines, strict=True):
        lines.extend([line] * part.count("\n"))
    lines.append(part_lines[-1] if part_lines else base_line)
    return tuple(lines)


def parse_notebook(text: str) -> Notebook:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"notebook is not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise ParseError("notebook JSON nested too deeply") from None
    if not isinstance(raw, dict):
        raise ParseError(f"notebook JSON is a {type(raw).__name__}, expected an object with 'cells'")
    cells_raw = raw.get("cells")
    if cells_raw is None and isinstance(raw.get("worksheets"), list) and raw["worksheets"]:
        first = raw["worksheets"][0]
        cells_raw = first.get("cells") if isinstance(first, dict) else None
    if not isinstance(cells_raw, list):
        raise ParseError("notebook has no 'cells' list")
    positions = [m.end() for m in _SOURCE_KEY.finditer(text) if text[m.start() - 1 : m.start()] != "\\"]
    with_source = sum(1 for c in cells_raw if isinstance(c, dict) and ("source" in c or "input" in c))
    aligned = len(positions) == with_source
    cells: list[Cell] = []
    seen = 0
    line_at, line_pos = 1, 0
    for index, cell in enumerate(cells_raw):
        if not isinstance(cell, dict):
            raise ParseError(f"cell {index + 1} is not a JSON object")
        kind = str(cell.get("cell_type", "code"))
        raw_source = cell.get("source", cell.get("input", ""))
        source, parts = _source_text(raw_source, index=index)
        if aligned and ("source" in cell or "input" in cell):
            pos = positions[seen]
            line_at += text.count("\n", line_pos, pos)
            line_pos = pos
            lines = _line_map(text, pos, line_at, parts)
        else:
            lines = (1,) * (source.count("\n") + 1)
        if "source" in cell or "input" in cell:
            seen += 1
        cells.append(Cell(index=index, kind=kind, source=source, lines=lines))
    meta: dict[str, Any] = raw["metadata"] if isinstance(raw.get("metadata"), dict) else {}
    kernel: dict[str, Any] = meta["kernelspec"] if isinstance(meta.get("kernelspec"), dict) else {}
    language = kernel.get("language") if isinstance(kernel.get("language"), str) else None
    version = raw.get("nbformat") if isinstance(raw.get("nbformat"), int) else None
    return Notebook(cells=tuple(cells), language=language, nbformat=version)
