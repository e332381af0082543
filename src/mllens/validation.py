"""Pydantic validation whose first error names the file and the field, for every loader
(lens, answers, detector metadata). Imports nothing heavier than pydantic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mllens.errors import InputError

M = TypeVar("M", bound=BaseModel)


def field_path(loc: Sequence[int | str]) -> str:
    """Pydantic error location -> `questions[3].choices[2].id`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validate_model(model: type[M], data: Any, *, file: str, error: type[InputError] = InputError) -> M:
    """Validate data into a model; the first error becomes `error` with file and field."""
    if not isinstance(data, dict):
        raise error(f"expected a mapping at the top level, got {type(data).__name__}", file=file)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        elif "input" in err and err["type"] not in ("missing",) and not isinstance(err["input"], dict | list):
            message = f"{message} (got {err['input']!r})"
        more = f" (and {len(exc.errors()) - 1} more errors)" if len(exc.errors()) > 1 else ""
        raise error(message + more, file=file, field=field_path(loc) or None) from None
