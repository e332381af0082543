"""Secret patterns for the secrets family: the formats of known credentials, and the tests
that tell a credential-looking value from a placeholder, a word, a reference or a path.
The search itself is in `_secret_scan`.
"""

from __future__ import annotations

import math
import re
from collections import Counter

# Case-exact words of which one must occur in a file for any finding (the family's `contains`
# pre-filter lists the same words; a generic name must contain one of them as written).
NAME_WORDS = (
    "password", "Password", "PASSWORD", "passwd", "Passwd", "PASSWD", "secret", "Secret", "SECRET",
    "token", "Token", "TOKEN", "api_key", "apikey", "api-key", "apiKey", "ApiKey", "APIKEY", "API_KEY",
    "API-KEY", "Api-Key", "access_key", "accessKey", "AccessKey", "ACCESS_KEY", "auth_key", "authKey",
    "AUTH_KEY", "private_key", "privateKey", "PRIVATE_KEY", "credential", "Credential", "CREDENTIAL",
)

AWS_ID = re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Z0-9])")
AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
GCP_KEY = re.compile(r'"private_key"\s*:\s*"-----BEGIN')
PEM = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----")
# The body may follow on the next lines, or inside a string after escaped newlines ("\\n",
# or "\\\\n" once more escaped in a notebook output).
PEM_BODY = re.compile(r"(?:\\+n|\\|\s)+((?:[A-Za-z0-9+/=]|\\+n|\s){40,})")  # right after the header
AZURE_KEY = re.compile(r"\b(AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{30,}={0,2})")
AZURE_SAS = re.compile(r"[?&]?\bsv=20\d\d-\d\d-\d\d\b[^\s\"']*?\bsig=([A-Za-z0-9%+/=]{30,})")
GIT_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_])((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}|"
    r"glpat-[A-Za-z0-9_\-]{20,})(?![A-Za-z0-9_\-])"
)
SLACK = re.compile(
    r"(?<![A-Za-z0-9])(xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{8,}|"
    r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})"
)
ML_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_])(hf_[A-Za-z]{34}|sk-(?:proj-)?[A-Za-z0-9_\-]{10,}T3BlbkFJ[A-Za-z0-9_\-]{10,})"
    r"(?![A-Za-z0-9_\-])"
)
# Cheap first pass for GENERIC: the lines that name a secret, as written (case-sensitive
# literals scan far faster than a case-insensitive pattern).
SECRET_WORD = re.compile("|".join(re.escape(w) for w in NAME_WORDS))
GENERIC = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?P<name>(?:[A-Za-z_][A-Za-z0-9_.\-]*?)?(?:password|passwd|secret|token|api[_-]?key|"
    r"access[_-]?key|auth[_-]?key|private[_-]?key|credentials?)s?)"
    r"[\"']?\]?[ \t]*(?::=|(?<![=!<>])=(?!=)|:(?!:)|=>)[ \t]*(?P<q>[\"'`]?)(?P<value>[^\s\"'`,;)}\]]+)",
    re.IGNORECASE,
)
URL_CRED = re.compile(
    r"\b[a-z][a-z0-9+.\-]{1,20}://(?P<user>[^/\s:@\"']{1,64}):(?P<value>[^/\s:@\"']{6,128})@(?P<host>[^/\s:\"']+)"
)
# Stock passwords of local development databases and brokers: not secrets anyone relies on.
DEFAULT_PASSWORDS = frozenset(
    {"password", "postgres", "mysql", "admin", "root", "secret", "guest", "rabbitmq", "redis", "mlflow", "airflow",
     "minio", "minioadmin", "minio123", "example", "changeme", "pass", "passw0rd"}
)
# A `password=...` key among the other keys of a connection string (libpq `host=... user=...
# password=...`, ODBC and JDBC `Server=...;User Id=...;Password=...`): a password, whatever it looks like.
DSN_KEYS = re.compile(r"(?<![\w.\-])(?:host|hostaddr|server|dbname|database|user|uid|user id)\s*=\s*[^\s=]",
                      re.IGNORECASE)
DSN_USER = re.compile(r"(?<![\w.\-])(?:user|uid|user id)\s*=\s*([^\s;'\"]+)", re.IGNORECASE)
# Database and service clients: a password literal in code beside one of them is the client's password.
DB_CLIENT = re.compile(
    r"\b(?:psycopg2?|asyncpg|sqlalchemy|create_engine|pymysql|MySQLdb|mysql\.connector|aiomysql|pymongo|MongoClient|"
    r"motor|redis|Redis|cx_Oracle|oracledb|pyodbc|snowflake|pymssql|clickhouse_connect|elasticsearch|"
    r"Elasticsearch|psql|jdbc|odbc)\b"
)
LOCAL_HOSTS = re.compile(r"^(localhost|127\.0\.0\.1|0\.0\.0\.0|host\.docker\.internal|db|postgres|mysql|redis)$")
NOT_NAME = re.compile(
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


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    """A value that looks like a real credential rather than a word, a reference or a path."""
    if not 8 <= len(value) <= 256 or _PLACEHOLDER.search(value):
        return False
    if value.startswith(("/", "./", "../", "~")) or "://" in value or re.fullmatch(r"[\w.\-]+\.[a-z]{2,4}", value):
        return False  # a path, a URL or a file name
    if re.fullmatch(r"[\w.\-]+=/[\w./\-]*", value):
        return False  # a secret's name and where it is mounted (secret=user-gcp-sa=/var/secrets)
    parts = [p for p in re.split(r"[-_.]", value) if p]
    if all(p.isalpha() for p in parts):
        return False  # words, e.g. "my-db-secret" (the name of a secret, not its value)
    if re.fullmatch(r"[\d.\-:]+", value):
        return False  # numbers, versions, dates
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+(\(\))?", value):
        return False  # an attribute path such as settings.db_password
    return entropy(value) >= 3.0


def plausible_password(value: str) -> bool:
    """A value written where a password must go (a password name, a connection string) that
    is the password itself, even when it is a word: not a placeholder, a stock default, a
    reference, a path, or the name of a variable or secret that holds it."""
    if not 6 <= len(value) <= 128 or _PLACEHOLDER.search(value) or value.lower() in DEFAULT_PASSWORDS:
        return False
    if value.startswith(("$", "{", "%", "/", "./", "../", "~")) or "://" in value:
        return False  # a reference, a path or a URL
    if re.search(r"password|passwd|secret|token|credential|(?:^|[_\-.])(?:pass|pwd|key)(?:$|[_\-.])", value,
                 re.IGNORECASE):
        return False  # names what holds the password: my-db-password, DB_PASSWORD_FILE
    if not re.search(r"[A-Za-z]", value) or re.fullmatch(r"[\^~<>=!v]*\d[\w.\-+*]*", value):
        return False  # a number or a version range (a lock file's "parse-passwd": "^1.0.0")
    if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", value):
        return False  # an environment variable's name
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+(\(\))?", value):
        return False  # an attribute path such as settings.db_password
    return len(set(value)) > 3


def is_placeholder(value: str, *, strict: bool = False) -> bool:
    """A stand-in rather than a credential. `strict` is for values of a known token format,
    where only explicit placeholder markers count (random keys may contain "abcdef")."""
    return (_PLACEHOLDER_STRICT if strict else _PLACEHOLDER).search(value) is not None


def testy_path(path: str) -> bool:
    """Tests, fixtures, examples and docs: secrets there are usually fake."""
    return _TESTY.search(path) is not None
