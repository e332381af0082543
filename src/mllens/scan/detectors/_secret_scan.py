"""The secrets search: every credential in one file's text, found in one pass per pattern.

Each pattern runs over the whole text (the regex engine does the scanning, not a Python loop
over lines); a match's line comes from the offsets of the line starts. Known formats are
found first; a line they account for (including the line of an AWS secret key paired with
its id) gets no generic finding, and a line gets at most one generic finding, so a GCP key
file is reported once as a GCP key and not again as a PEM block or a `private_key` value.
A finding keeps its value only to fingerprint it; messages never include it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import unquote

from mllens.scan.detectors import _secret_patterns as p


@dataclass(frozen=True)
class Finding:
    kind: str  # aws, gcp, azure, git_token, slack, ml_token, private_key, generic
    label: str  # what it is, for the message
    line: int
    value: str  # never printed; see fingerprint()
    factor: float = 1.0  # multiplies the rule's confidence (e.g. a password for a local database)

    def fingerprint(self) -> str:
        shown = min(4, len(self.value) // 4)
        return f"{self.value[:shown]}... ({len(self.value)} chars)"


class _Text:
    """The text to search, with 1-based line numbers for offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def lines(self, first: int, last: int) -> str:
        """Lines first..last (1-based, inclusive, clipped to the text)."""
        first, last = max(1, first), min(len(self.starts), last)
        end = self.starts[last] if last < len(self.starts) else len(self.text)
        return self.text[self.starts[first - 1] : end]


def _unescape(text: str) -> str:
    """JSON and notebooks hold code as escaped strings: make quotes plain again (line breaks
    in the file are kept, so lines stay where they were)."""
    return text.replace('\\"', '"').replace("\\n", " ").replace("\\t", " ")


def _aws(doc: _Text) -> tuple[list[Finding], set[int]]:
    found: list[Finding] = []
    secret_lines: set[int] = set()
    if "AKIA" not in doc.text and "ASIA" not in doc.text:
        return found, secret_lines  # patterns that start with a look-behind scan slowly: skip early
    for match in p.AWS_ID.finditer(doc.text):
        key, line = match.group(1), doc.line(match.start())
        if p.is_placeholder(key, strict=True):
            continue
        paired = False
        first = max(1, line - 5)
        window = doc.lines(first, line + 5)
        for near in p.AWS_SECRET.finditer(window):
            secret = near.group(1)
            if not p.is_placeholder(secret, strict=True) and p.entropy(secret) >= 4.0:
                paired = True
                secret_lines.add(first + window.count("\n", 0, near.start()))
        label = "AWS access key id with its secret key nearby" if paired else "AWS access key id"
        found.append(Finding("aws", label, line, key))
    return found, secret_lines


def _pem(doc: _Text, *, gcp_file: bool) -> list[Finding]:
    found: list[Finding] = []
    for match in p.PEM.finditer(doc.text):
        body = p.PEM_BODY.match(doc.text, match.end(), match.end() + 8192)
        if body is None or p.is_placeholder(body.group(1)[:60], strict=True):
            continue
        line = doc.line(match.start())
        key = re.sub(r"\\+n|\s", "", body.group(1))
        start_of_line = doc.starts[line - 1]
        if gcp_file and p.GCP_KEY.search(doc.text, start_of_line, match.end()):
            found.append(Finding("gcp", "GCP service-account private key", line, key))
        else:
            found.append(Finding("private_key", f"PEM private key ({match.group(1)})", line, key))
    return found


def _tokens(doc: _Text) -> list[Finding]:
    found: list[Finding] = []
    for kind, pattern, label, triggers in (
        ("git_token", p.GIT_TOKEN, "GitHub or GitLab token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
                                                              "glpat-")),
        ("slack", p.SLACK, "Slack token or webhook", ("xox", "hooks.slack.com")),
        ("ml_token", p.ML_TOKEN, "Hugging Face or OpenAI API token", ("hf_", "T3BlbkFJ")),
    ):
        if not any(t in doc.text for t in triggers):
            continue
        found.extend(Finding(kind, label, doc.line(m.start()), m.group(1)) for m in pattern.finditer(doc.text)
                     if not p.is_placeholder(m.group(1), strict=True))
    if "AccountKey=" in doc.text or "SharedAccessKey=" in doc.text:
        found.extend(Finding("azure", f"Azure storage {m.group(1)}", doc.line(m.start()), m.group(2))
                     for m in p.AZURE_KEY.finditer(doc.text) if not p.is_placeholder(m.group(2), strict=True))
    if "sig=" in doc.text:
        found.extend(Finding("azure", "Azure shared access signature", doc.line(m.start()), m.group(1))
                     for m in p.AZURE_SAS.finditer(doc.text))
    return found


def _assignments(doc: _Text, *, code: bool, quoted_only: bool) -> list[Finding]:
    """Random-looking values assigned to secret names, on the lines that name a secret; and
    word-like passwords where only a password can go (a connection string's password key, a
    password name in configuration, or in code that uses a database client)."""
    found: list[Finding] = []
    words_count = not code or p.DB_CLIENT.search(doc.text) is not None
    for line in sorted({doc.line(m.start()) for m in p.SECRET_WORD.finditer(doc.text)}):
        text = doc.lines(line, line)
        for match in p.GENERIC.finditer(text):
            name, value = match.group("name"), match.group("value")
            if not any(word in name for word in p.NAME_WORDS) or p.NOT_NAME.search(name):
                continue  # the case of the name must match the family's `contains` pre-filter
            dsn = name.lower() in ("password", "passwd") and p.DSN_KEYS.search(text) is not None
            if quoted_only and not match.group("q") and not dsn:
                continue  # in code, an unquoted value is an expression, not a literal
            if dsn:
                if p.plausible_password(value) and value != _dsn_user(text):
                    found.append(_dsn_finding(text, line, value))
            elif p.looks_random(value):
                found.append(Finding("generic", f"hard-coded value for '{name[-40:]}'", line, value))
            elif (words_count and name.lower().endswith(("password", "passwd", "passwords"))
                  and p.plausible_password(value) and not _named_nearby(doc, line, value)):
                found.append(Finding("generic", f"hard-coded password for '{name[-40:]}'", line, value, 0.8))
    return found


def _named_nearby(doc: _Text, line: int, value: str) -> bool:
    """The value is also the user's or the database's name a few lines away (user: claimdb,
    password: claimdb): a stock local account, not a chosen password."""
    window = doc.lines(line - 3, line + 3)
    return len(re.findall(rf"(?<![\w\-]){re.escape(value)}(?![\w\-])", window)) > 1


def _dsn_finding(text: str, line: int, value: str) -> Finding:
    local = re.search(r"(?i)\bhost\s*=\s*(localhost|127\.0\.0\.1)\b", text) is not None
    label = "password inside a connection string" + (" to a local host" if local else "")
    return Finding("generic", label, line, value, 0.6 if local else 0.9)


def _dsn_user(text: str) -> str | None:
    match = p.DSN_USER.search(text)
    return match.group(1) if match else None


def _url_passwords(doc: _Text) -> list[Finding]:
    found: list[Finding] = []
    if "://" not in doc.text:
        return found
    for match in p.URL_CRED.finditer(doc.text):
        value, user, host = match.group("value"), match.group("user"), match.group("host").lower()
        plain = unquote(value)
        if p.is_placeholder(value) or p.is_placeholder(user) or "example" in host:
            continue
        if plain.lower() in p.DEFAULT_PASSWORDS | {user.lower()} or user.lower() == "scott":
            continue  # stock passwords, and SQLAlchemy's scott/tiger documentation account
        if len(set(plain)) <= 3 or plain.startswith(("$", "{", "%")) or re.fullmatch(r"[A-Za-z ]+", plain):
            continue  # references and plain words ("a secret")
        local = p.LOCAL_HOSTS.match(host) is not None
        label = "password inside a connection URL" + (" to a local host" if local else "")
        found.append(Finding("generic", label, doc.line(match.start()), value, 0.6 if local else 1.0))
    return found


def find_secrets(text: str, *, kind: str) -> list[Finding]:
    """Every secret in `text` (of a file of `kind`), sorted by line."""
    escaped = kind in ("json", "notebook")
    doc = _Text(_unescape(text) if escaped else text)
    gcp_file = '"client_email"' in doc.text and '"private_key"' in doc.text
    aws, taken = _aws(doc)
    specific = aws + _pem(doc, gcp_file=gcp_file) + _tokens(doc)
    taken |= {f.line for f in specific}
    generic: dict[int, Finding] = {}
    quoted_only = kind in ("python", "notebook", "json")
    assignments = _assignments(doc, code=kind in ("python", "notebook"), quoted_only=quoted_only)
    for finding in assignments + _url_passwords(doc):
        if finding.line not in taken:
            generic.setdefault(finding.line, finding)
    return sorted(specific + list(generic.values()), key=lambda f: (f.line, f.kind))
