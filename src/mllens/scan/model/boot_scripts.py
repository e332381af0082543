"""User data of virtual machines (EC2 instances, launch templates), as the scripts they run at
first boot: each script line kept with the line of the file it is written on.

A CloudFormation script is the string inside Fn::Base64 / Fn::Sub (or the strings of an
Fn::Join); a Terraform one a heredoc or string in user_data. Scripts read from files
(file(), templatefile()) are not followed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mllens.scan.model.values import Value


def script_text(raw: Any) -> str | None:
    """The script of a UserData value, through the intrinsic functions that wrap it."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, Mapping) and len(raw) == 1:
        (key, inner), = raw.items()
        if key in ("Fn::Base64", "Fn::Sub"):
            return script_text(inner[0] if key == "Fn::Sub" and isinstance(inner, list) and inner else inner)
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], list):
            parts = [p for p in inner[1] if isinstance(p, str)]
            return str(inner[0]).join(parts) if parts else None
    return None


def located_lines(text: str, file_lines: list[str], start: int) -> tuple[tuple[int, str], ...]:
    """Each non-blank script line with the file line that holds it, searched forward from `start`
    (the key's line): block scalars and heredocs keep the script's lines one for one."""
    out: list[tuple[int, str]] = []
    at = start
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        found = next((n for n in range(at, min(at + 40, len(file_lines)) + 1)
                      if stripped in file_lines[n - 1]), None)
        if found is not None:
            at = found
        out.append((at, stripped))
    return tuple(out)


def boot_fields(value: Value, file_text: str) -> dict[str, Any]:
    """The BootScript fields of a user-data value."""
    text = script_text(value.raw) if value.written else None
    if text is None:
        return {"script": value, "lines": ()}
    return {"script": value, "lines": located_lines(text, file_text.split("\n"), value.line)}
