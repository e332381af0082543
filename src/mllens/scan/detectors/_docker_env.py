"""Names and values of a Dockerfile's ENV and ARG instructions, and which of them are
credentials (for docker.secrets_in_env)."""

from __future__ import annotations

import re

from mllens.scan.parse.dockerfile import Instruction

_SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$",
                          re.IGNORECASE)
_ASSIGNMENT = re.compile(r"""(\w+)=("[^"]*"|'[^']*'|\S*)""")


def assignments(instruction: Instruction) -> list[tuple[str, str]]:
    """(name, value) pairs of an ENV or ARG (both `K=v K2=v2` and the legacy `ENV K v`)."""
    value = instruction.value.strip()
    pairs = _ASSIGNMENT.findall(value)
    if pairs:
        return [(name, raw.strip("\"'")) for name, raw in pairs]
    name, _, rest = value.partition(" ")
    return [(name, rest.strip().strip("\"'"))] if instruction.keyword == "ENV" and rest else []


def literal_credential(name: str, value: str) -> bool:
    return _SECRET_NAME.search(name) is not None and bool(value) and not value.startswith("$")


def from_build_arg(name: str, value: str, build_args: set[str]) -> bool:
    """ENV AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY: a credential build argument kept in the image."""
    found = re.fullmatch(r"\$\{?(\w+)\}?", value)
    return _SECRET_NAME.search(name) is not None and found is not None and found.group(1) in build_args
