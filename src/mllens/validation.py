"""Pydantic validation whose first error names the file and the field, for every loader
(lens, answers, detector metadata). Imports nothing heavier than pydantic."""

from __future__ import annotations

import datetime as dt
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


_EXPECTED = {  # pydantic error type -> what the field takes, in the words of a YAML or JSON file
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "dict_type": "expected a mapping",
    "list_type": "expected a list",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD)",
    "datetime_type": "expected a date and time",
    "datetime_parsing": "expected a date and time",
    "datetime_from_date_parsing": "expected a date and time",
    "invalid_key": "expected a key that is text",
}


def kind(value: Any) -> str:
    """What a parsed YAML or JSON value is, in the words of the file (never a Python type)."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return "nothing" if value is None else "a value of another kind"


def shown(value: Any) -> str:
    """A value as a message quotes it: text quoted, dates and numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return repr(value)
    return kind(value)


def problem(err: Any) -> str:
    """One pydantic error (an ErrorDetails) as what was expected and what was given."""
    message = _EXPECTED.get(err["type"]) or str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing" or "input" not in err:
        return message
    value = err["input"]
    if isinstance(value, dict | list) and err["type"] not in _EXPECTED:
        return message  # the whole object a rule ran on: quoting it says nothing
    return f"{message} (got {shown(value)})"


def validate_model(model: type[M], data: Any, *, file: str, error: type[InputError] = InputError) -> M:
    """Validate data into a model; the first error becomes `error` with file and field."""
    if not isinstance(data, dict):
        raise error(f"expected a mapping at the top level, got {kind(data)}", file=file)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        message = f"unknown key {loc[-1]!r}" if err["type"] == "extra_forbidden" else problem(err)
        more = f" (and {len(exc.errors()) - 1} more errors)" if len(exc.errors()) > 1 else ""
        raise error(message + more, file=file, field=field_path(loc) or None) from None
