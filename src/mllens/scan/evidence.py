"""The Evidence record: what one detector rule found in one place (the scan contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["supports", "contradicts", "info"]


class Evidence(BaseModel):
    """One finding, with its keys exactly as `mllens scan --format json` prints them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    practice: str
    check: str
    outcome: Outcome
    file: str
    line: int | None = Field(default=None, ge=1)
    message: str
    confidence: float = Field(ge=0.0, le=1.0)
