"""What the web tests share besides fixtures: the test password, hostile text, People."""

from __future__ import annotations

from dataclasses import dataclass

PASSWORD = "correct horse battery"
# Project text a browser must never run: it reaches pages through workload names, owners,
# descriptions, evidence messages and answers.
HOSTILE = '<script>alert("x")</script>'


@dataclass(frozen=True)
class People:
    """Tokens by "<user>:<scope>". Users: admin (no team), edie (editor, team fraud),
    vic (viewer, team fraud), otto (editor, team other)."""

    tokens: dict[str, str]

    def auth(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[key]}"}
