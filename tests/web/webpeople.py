"""What the web tests share besides fixtures: the test password, hostile text, People."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
# Project text a browser must never run: it reaches pages through workload names, owners,
# descriptions, evidence messages and answers.
HOSTILE = '<script>alert("x")</script>'
# The one script tag the app writes (an editor's review page): static/answers.js.
OUR_SCRIPT = '<script src="/static/answers.js" defer></script>'


@dataclass(frozen=True)
class People:
    """Tokens by "<user>:<scope>". Users: admin (no team), edie (editor, team fraud),
    vic (viewer, team fraud), otto (editor, team other)."""

    tokens: dict[str, str]

    def auth(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[key]}"}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log `name` in; the CSRF token of the session's first page."""
    form = client.get("/login")
    response = client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(form.text),
                                           "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    return csrf_of(client.get("/").text)
