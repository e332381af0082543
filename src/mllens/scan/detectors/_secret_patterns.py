"""Secret patterns for the secrets family: find credentials in a file's text, line by line.

One pass per file finds every kind of secret (memoised on the ParsedFile, each rule then
reports its own kinds), so a GCP key file is reported once as a GCP key and not again as a
bare PEM block or a generic `private_key` assignment. A finding keeps the value only to
fingerprint it; messages never include it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

# Case-exact words of which one must occur in a file for any finding (the family's `contains`
# pre-filter lists the same words; a generic name must contain one of them as written).
NAME_WORDS = (
    "password", "Password", "PASSWORD", "passwd", "Passwd", "PASSWD", "secret", "Secret", "SECRET",
    "token", "Token", "TOKEN", "api_key", "apikey", "api-key", "apiKey", "ApiKey", "APIKEY", "API_KEY",
    "API-KEY", "Api-Key", "access_key", "accessKey", "AccessKey", "ACCESS_KEY", "auth_key", "authKey",
    "AUTH_KEY", "private_key", "privateKey", "PRIVATE_KEY", "credential", "Credential", "CREDENTIAL",
)

_AWS_ID = re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Z0-9])")
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
_GCP_KEY = re.compile(r'"private_key"\s*:\s*"-----BEGIN')
_PEM = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----")
# The body may follow on the next lines, or inside a string after escaped newlines ("\\n",
# or "\\\\n" once more escaped in a notebook output).
_PEM_BODY = re.compile(r"PRIVATE KEY(?: BLOCK)?-----(?:\\+n|\\|\s)+((?:[A-Za-z0-9+/=]|\\+n|\s){40,})")
_AZURE_KEY = re.compile(r"\b(AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{30,}={0,2})")
_AZURE_SAS = re.compile(r"[?&]?\bsv=20\d\d-\d\d-\d\d\b[^\s\"']*?\bsig=([A-Za-z0-9%+/=]{30,})")
_GIT_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_])((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}|"
    r"glpat-[A-Za-z0-9_\-]{20,})(?![A-Za-z0-9_\-])"
)
_SLACK = re.compile(
    r"(?<![A-Za-z0-9])(xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{8,}|"
    r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})"
)
_ML_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_])(hf_[A-Za-z]{34}|sk-(?:proj-)?[A-Za-z0-9_\-]{10,}T3BlbkFJ[A-Za-z0-9_\-]{10,})"
    r"(?![A-Za-z0-9_\-])"
)
_GENERIC = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?P<name>(?:[A-Za-z_][A-Za-z0-9_.\-]*?)?(?:password|passwd|secret|token|api[_-]?key|"
    r"access[_-]?key|auth[_-]?key|private[_-]?key|credentials?)s?)"
    r"[\"']?\]?\s*(?::=|(?<![=!<>])=(?!=)|:(?!:)|=>)\s*(?P<q>[\"'`]?)(?P<value>[^\s\"'`,;)}\]]+)",
    re.IGNORECASE,
)
_URL_CRED = re.compile(
    r"\b[a-z][a-z0-9+.\-]{1,20}://(?P<user>[^/\s:@\"']{1,64}):(?P<value>[^/\s:@\"']{6,128})@(?P<host>[^/\s:\"']+)"
)
# Stock passwords of local development databases and brokers: not secrets anyone relies on.
_DEFAULT_PASSWORDS = frozenset(
    {"password", "postgres", "mysql", "admin", "root", "secret", "guest", "rabbitmq", "redis", "mlflow", "airflow",
     "minio", "minioadmin", "minio123", "example", "changeme", "pass", "passw0rd"}
)
_LOCAL_HOSTS = re.compile(r"^(localhost|127\.0\.0\.1|0\.0\.0\.0|host\.docker\.internal|db|postgres|mysql|redis)$")
_NOT_NAME = re.compile(
    r"(?:_|-|\.)(?:id|ids|name|names|file|path|dir|url|uri|env|var|key_id|length|len|type|types|count|"
    r"limit|size|field|header|param|ref|arn|version|expiry|expires|ttl|endpoint|prefix|suffix|policy|rotation|"
    r"template|hash|algorithm|regex|pattern)$|^(?:num|max|min|n)_",
    re.IGNORECASE,
)
# Placeholders in values of a known token format (whose structure alone is strong evidence).
_PLACEHOLDER_STRICT = re.compile(
    r"example|xxxx|\*\*\*|\.\.\.|<|>|\$\{|\{\{|placeholder|your[_\-]?|dummy|fake|redacted|(.)\1{7,}",
    re.IGNORECASE,
)
# Placeholders in values assigned to secret-sounding names (which need more proof).
_PLACEHOLDER = re.compile(
    r"example|xxxx|\*\*\*|changeme|change_me|change-me|placeholder|your[_\-]?|dummy|fake|sample|redacted|"
    r"insert|replace|secret_here|here$|^<.*>$|^\$|\$\{|\{\{|%\(|^%|getenv|environ|^env\.|^vars?\.|^secrets\.|"
    r"^none$|^null$|^true$|^false$|^nil$|^undefined$|^str$|^string$|^int$|^bytes$|^optional|^required$|^!|"
    r"^\.\.\.|^0+$|^1234|abcdef|qwerty|^test|test$|^password\d*$|^secret\d*$|^token\d*$|"
    r"^(?:sha\d*|md5|pbkdf2|bcrypt|argon2|scrypt)[:$_]",
    re.IGNORECASE,
)
_TESTY = re.compile(r"(^|/)(tests?|testing|fixtures?|testdata|test_data|examples?|samples?|mocks?|docs?)(/|$)|"
                    r"(^|/)(test_|.*_test\.|.*fake|.*dummy|.*mock|.*example|.*sample)", re.IGNORECASE)


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


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    """A value that looks like a real credential rather than a word, a reference or a path."""
    if not 8 <= len(value) <= 256 or _PLACEHOLDER.search(value):
        return False
    if value.startswith(("/", "./", "../", "~")) or "://" in value or re.fullmatch(r"[\w.\-]+\.[a-z]{2,4}", value):
        return False  # a path, a URL or a file name
    parts = [p for p in re.split(r"[-_.]", value) if p]
    if all(p.isalpha() for p in parts):
        return False  # words, e.g. "my-db-secret" (the name of a secret, not its value)
    if re.fullmatch(r"[\d.\-:]+", value):
        return False  # numbers, versions, dates
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+(\(\))?", value):
        return False  # an attribute path such as settings.db_password
    return entropy(value) >= 3.0


def is_placeholder(value: str, *, strict: bool = False) -> bool:
    """A stand-in rather than a credential. `strict` is for values of a known token format,
    where only explicit placeholder markers count (random keys may contain "abcdef")."""
    return (_PLACEHOLDER_STRICT if strict else _PLACEHOLDER).search(value) is not None


def testy_path(path: str) -> bool:
    """Tests, fixtures, examples and docs: secrets there are usually fake."""
    return _TESTY.search(path) is not None


def _unescape(line: str) -> str:
    """JSON and notebook lines hold code as escaped strings: make quotes plain again."""
    return line.replace('\\"', '"').replace("\\n", " ").replace("\\t", " ")


def _aws(lines: list[str], number: int, line: str) -> tuple[list[Finding], set[int]]:
    """AWS key ids on this line, and the lines of their secret keys (reported with the id)."""
    out: list[Finding] = []
    secret_lines: set[int] = set()
    for found in _AWS_ID.finditer(line):
        key = found.group(1)
        if is_placeholder(key, strict=True):
            continue
        paired = False
        for near in range(max(1, number - 5), min(len(lines), number + 5) + 1):
            for secret in _AWS_SECRET.findall(lines[near - 1]):
                if not is_placeholder(secret, strict=True) and entropy(secret) >= 4.0:
                    paired = True
                    secret_lines.add(near)
        label = "AWS access key id with its secret key nearby" if paired else "AWS access key id"
        out.append(Finding("aws", label, number, key))
    return out, secret_lines


def _generic(number: int, line: str, *, quoted_only: bool) -> list[Finding]:
    out: list[Finding] = []
    for found in _GENERIC.finditer(line):
        name, value = found.group("name"), found.group("value")
        if not any(word in name for word in NAME_WORDS) or _NOT_NAME.search(name):
            continue
        if quoted_only and not found.group("q"):
            continue
        if looks_random(value):
            out.append(Finding("generic", f"hard-coded value for '{name[-40:]}'", number, value))
    for found in _URL_CRED.finditer(line):
        value, user = found.group("value"), found.group("user")
        if is_placeholder(value) or is_placeholder(user) or value.lower() in _DEFAULT_PASSWORDS | {user.lower()}:
            continue
        if len(set(value)) <= 3 or value.startswith(("$", "{", "%")):
            continue
        local = _LOCAL_HOSTS.match(found.group("host").lower()) is not None
        label = "password inside a connection URL" + (" to a local host" if local else "")
        out.append(Finding("generic", label, number, value, 0.6 if local else 1.0))
    return out


_TOKENS = (
    ("git_token", _GIT_TOKEN, "GitHub or GitLab token"),
    ("slack", _SLACK, "Slack token or webhook"),
    ("ml_token", _ML_TOKEN, "Hugging Face or OpenAI API token"),
)


def _pem(lines: list[str], index: int, *, gcp_file: bool) -> Finding | None:
    line = lines[index]
    found = _PEM.search(line)
    if found is None:
        return None
    body = _PEM_BODY.search(line) or _PEM_BODY.search("\n".join(lines[index : index + 3]))
    if body is None or is_placeholder(body.group(1)[:60], strict=True):
        return None
    key = re.sub(r"\\+n|\s", "", body.group(1))
    if gcp_file and _GCP_KEY.search(line):
        return Finding("gcp", "GCP service-account private key", index + 1, key)
    return Finding("private_key", f"PEM private key ({found.group(1)})", index + 1, key)


def _specific(lines: list[str], index: int, *, gcp_file: bool) -> tuple[list[Finding], set[int]]:
    """Findings of a known format on one line, and the lines they account for."""
    line, number = lines[index], index + 1
    out: list[Finding] = []
    pem = _pem(lines, index, gcp_file=gcp_file)
    if pem is not None:
        out.append(pem)
    for kind_name, pattern, label in _TOKENS:
        out.extend(Finding(kind_name, label, number, m.group(1)) for m in pattern.finditer(line)
                   if not is_placeholder(m.group(1), strict=True))
    out.extend(Finding("azure", f"Azure storage {m.group(1)}", number, m.group(2)) for m in _AZURE_KEY.finditer(line)
               if not is_placeholder(m.group(2), strict=True))
    out.extend(Finding("azure", "Azure shared access signature", number, m.group(1)) for m in _AZURE_SAS.finditer(line))
    aws, secret_lines = _aws(lines, number, line)
    out.extend(aws)
    taken = secret_lines | ({number} if out else set())
    return out, taken


def find_secrets(text: str, *, kind: str) -> list[Finding]:
    """Every secret in `text`: known formats first; a line they account for (including the
    line of an AWS secret key paired with its id) gets no generic finding; at most one
    generic finding a line."""
    escaped = kind in ("json", "notebook")
    lines = [_unescape(line) for line in text.split("\n")] if escaped else text.split("\n")
    plain = _unescape(text) if escaped else text
    gcp_file = '"client_email"' in plain and '"private_key"' in plain
    quoted_only = kind in ("python", "notebook", "json")
    findings: list[Finding] = []
    taken: set[int] = set()
    for index in range(len(lines)):
        found, lines_taken = _specific(lines, index, gcp_file=gcp_file)
        findings.extend(found)
        taken |= lines_taken
    for index, line in enumerate(lines):
        if index + 1 not in taken:
            findings.extend(_generic(index + 1, line, quoted_only=quoted_only)[:1])
    return sorted(findings, key=lambda f: (f.line, f.kind))
