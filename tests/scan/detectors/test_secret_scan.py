"""The secrets search on single strings: known formats found at the right line, look-alikes
and placeholders left alone, values never shown, and the family's pre-filter complete.

The values below are synthetic (never issued) in the exact formats of real credentials.
"""

from __future__ import annotations

import pytest

from mllens.scan.detectors._secret_patterns import NAME_WORDS
from mllens.scan.detectors._secret_scan import Finding, find_secrets
from mllens.scan.registry import families

AKIA = "AKIA" + "4MLZQ7RT2XK9WB3F"
AWS_SECRET = "q7Zt2Lk9Vx4Pn8Rw1Hc6Jm3Bf5Gs0Dy2Ea7Ku9Nx"
GHP = "ghp_" + "R8mK2qZt5Lx9Wc3Vn7Hb1Jf4Gd6Ps0Ay2Eu8"

FOUND = [
    ("python", f'KEY_ID = "{AKIA}"\nSECRET = "{AWS_SECRET}"\n', "aws", 1),
    ("text", f"# token for the release job\nGH_TOKEN={GHP}\n", "git_token", 2),
    ("yaml", "deploy:\n  gitlab_token: glpat-" + "Hq3Zr8Lm2Vx6Kt9Wc4Np\n", "git_token", 2),
    ("text", "SLACK_BOT=xoxb-" + "2748193650-5821937460183-Zq8Lm3Vx7Kt2Wc9Np4Hr6Jb\n", "slack", 1),
    ("text", "DB_PASSWORD=Zq8#kL2!vN9x\n", "generic", 1),
    ("python", 'conn = connect(host="db.internal", password="Zq8kL2vN9xWp")\n', "generic", 1),
    ("python", 'engine = create_engine("postgresql://svc:Tr0ub4dor3x@prod-db.acme.io/feat")\n', "generic", 1),
    ("python", 'login(token="hf_' + 'QzLmVxKtWcNpHrJbZqLmVxKtWcNpHrJbZq")\n', "ml_token", 1),
    ("text", "-----BEGIN EC PRIVATE KEY-----\n" + "MHcCAQEEIBq8Lm3Vx7Kt2Wc9Np4Hr6Jb1Gf5Ds0Ay3Eu8Qi2Ol7Pk4Mn\n",
     "private_key", 1),
    ("notebook", '{"cells": [{"source": ["api_key = \\"a8f5f167f44f4964e6c998dee827110c\\"\\n"]}]}', "generic", 1),
    # a connection string's password key holds a password, whatever it looks like
    ("python", 'conn = psycopg.connect("host=db.acme.internal dbname=features user=etl password=harvestmoon")\n',
     "generic", 1),
    ("text", "Server=sql.acme.internal;Database=feat;User Id=etl;Password=Qz8kL2vN9x;\n", "generic", 1),
    # word-like passwords where only a password goes: configuration, or code using a database client
    ("yaml", "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: mlflowpass\n", "generic", 4),
    ("yaml", "stringData:\n  TRINO_USER: analyst\n  TRINO_PASSWORD: bluewhale7\n", "generic", 3),
    ("python", 'import pymysql\n\nDB_PASSWORD = "harvestmoon"\n', "generic", 3),
]

LEFT_ALONE = [
    ("python", 'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"'),
    ("python", 'password = os.environ["DB_PASSWORD"]'),
    ("python", "token = get_token()"),
    ("python", 'api_key: str = "<your-api-key>"'),
    ("python", 'if token == "a1b2c3d4e5f6":'),
    ("python", 'password = "changeme"'),
    ("python", "password = settings.database.password"),
    ("python", 'TOKEN_PATTERN = r"(?u)\\b\\w\\w+\\b"'),
    ("python", 'token_path = "a8f5f167f44f4964e6c998dee827110c"'),
    ("python", 'secret = "2024-01-01"'),
    ("python", 'engine = create_engine("postgresql://postgres:postgres@localhost/db")'),
    ("python", '"""Example: https://jo%40email.com:a%20secret@example.org/path"""'),
    ("python", '"mssql+pyodbc://scott:tiger^5HHH@mssql2017:1433/test"'),
    ("yaml", "password: ${DB_PASSWORD}\ntoken: ${{ secrets.GITHUB_TOKEN }}"),
    ("yaml", "secretName: my-db-secret\nsecret: my-db-secret"),
    ("yaml", 'pad_token: "<pad>"\neos_token: "</s>"\nmax_tokens: 512'),
    ("yaml", "api_key_env: OPENAI_API_KEY\naccess_key: !Ref AccessKey"),
    ("json", '{"unk_token": "[UNK]", "model_max_length": 512}'),
    ("text", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"),
    ("text", "DB_PASSWORD=xxxxxxxxxx"),
    # stock or placeholder passwords, the user's own name, and names of what holds a password
    ("python", 'psycopg.connect("host=localhost port=5432 user=postgres password=example")'),
    ("python", 'psycopg.connect("host=db user=trainer password=trainer")'),
    ("python", 'psycopg.connect(f"host={host} user={user} password={password}")'),
    ("yaml", "environment:\n  POSTGRES_PASSWORD: example\n  MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}"),
    ("yaml", "db_password: my-db-password\nadmin_password: DB_ADMIN_PASSWORD\npasswordSecret: db-creds"),
    ("yaml", "password: settings.database\nroot_password: changeme\npassword: postgres"),
    # a word assigned to a password name in code without any database client: a label, a form field
    ("python", 'FIELD_PASSWORD = "hidden"\nPROMPT_PASSWORD = "Enter it"'),
    # a version range under a package named like a password, and a password that repeats the user's name
    ("json", '{"dependencies": {"parse-passwd": "^1.0.0"}}'),
    ("yaml", "stringData:\n  database-name: claimdb\n  database-password: claimdb\n  database-user: claimdb"),
]


@pytest.mark.parametrize(("kind", "text", "expected", "line"), FOUND, ids=[f[2] + str(i) for i, f in enumerate(FOUND)])
def test_secret_is_found_at_its_line(kind: str, text: str, expected: str, line: int) -> None:
    found = find_secrets(text, kind=kind)
    assert [(f.kind, f.line) for f in found] == [(expected, line)]


@pytest.mark.parametrize(("kind", "text"), LEFT_ALONE, ids=[t[:30] for _, t in LEFT_ALONE])
def test_look_alike_is_left_alone(kind: str, text: str) -> None:
    assert find_secrets(text, kind=kind) == []


def test_aws_secret_line_is_not_reported_again_as_generic() -> None:
    found = find_secrets(f'id = "{AKIA}"\naws_secret_access_key = "{AWS_SECRET}"\n', kind="python")
    assert [(f.kind, f.label) for f in found] == [("aws", "AWS access key id with its secret key nearby")]


def test_fingerprint_shows_at_most_a_quarter_of_the_value() -> None:
    assert Finding("generic", "x", 1, "Zq8kL2vN9xWp").fingerprint() == "Zq8... (12 chars)"
    assert Finding("aws", "x", 1, AKIA).fingerprint() == "AKIA... (20 chars)"
    assert AKIA[4:] not in Finding("aws", "x", 1, AKIA).fingerprint()


def test_prefilter_lists_every_word_a_finding_needs() -> None:
    """A file without one of the family's `contains` words is never searched: every sample
    above that is found must contain one, and every secret name word must be listed."""
    contains = next(f.meta.contains for f in families() if f.name == "secrets")
    assert set(NAME_WORDS) <= set(contains)
    for _kind, text, _expected, _line in FOUND:
        assert any(word in text for word in contains), text
