"""Docker Compose services read from parsed YAML: which files are Compose files, and values as written."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.parse import parse
from mllens.scan.parse.compose import Service, compose_services, interpolate, published_on


def _services(text: str, path: str = "docker-compose.yml") -> dict[str, Service]:
    return {s.name: s for s in compose_services(ParsedFile(path, "yaml", text, parse("yaml", text)))}


def test_environment_as_a_map_and_as_a_list_keeps_each_line() -> None:
    services = _services(
        "services:\n  db:\n    image: postgres:16.3\n    environment:\n      POSTGRES_USER: app\n"
        "      POSTGRES_PASSWORD: Zk4Wq9Lm\n  api:\n    build: .\n    environment:\n"
        "      - MODEL_URI=s3://models/churn\n      - HOST_ONLY\n"
    )
    db, api = services["db"], services["api"]
    assert [(k, v.value, v.line) for k, v in db.environment] == [
        ("POSTGRES_USER", "app", 5), ("POSTGRES_PASSWORD", "Zk4Wq9Lm", 6)]
    # a bare name passes the host's value: nothing is written in the file
    assert [(k, v.line) for k, v in api.environment] == [("MODEL_URI", 10)]
    assert api.builds and not db.builds


def test_a_file_named_otherwise_is_read_only_with_the_shape_of_compose() -> None:
    shaped = "services:\n  model:\n    image: acme/model:1.0.0\n"
    assert list(_services(shaped, "deploy/stack.yml")) == ["model"]
    assert _services("services:\n  - name: scoring\n", "settings.yaml") == {}
    manifest = "apiVersion: v1\nkind: List\nservices:\n  model:\n    image: acme/model:1.0.0\n"
    assert _services(manifest, "k8s/list.yaml") == {}


def test_healthcheck_disabled_either_way() -> None:
    services = _services(
        "services:\n  a:\n    image: x:1.0.0\n    healthcheck:\n      disable: true\n"
        "  b:\n    image: y:1.0.0\n    healthcheck:\n      test: [\"NONE\"]\n"
        "  c:\n    image: z:1.0.0\n    healthcheck:\n      test: curl -f http://localhost/ping\n"
    )
    checks = [services[n].healthcheck for n in "abc"]
    assert [c.value if c else None for c in checks] == ["disabled", "disabled", "curl -f http://localhost/ping"]


def test_interpolate_uses_defaults_and_gives_up_on_unset_variables() -> None:
    assert interpolate("${REGISTRY:-docker.io}/acme/api:${TAG-1.2.0}") == "docker.io/acme/api:1.2.0"
    assert interpolate("acme/api:${TAG}") is None
    assert interpolate("$IMAGE") is None
    assert interpolate("postgres:16.3") == "postgres:16.3"


def test_published_ports_name_the_host_address_or_every_interface() -> None:
    assert published_on("5432:5432") == ("", "5432")
    assert published_on("6333") == ("", "6333")
    assert published_on("0.0.0.0:9000:9000/tcp") == ("", "9000")
    assert published_on("127.0.0.1:5432:5432") == ("127.0.0.1", "5432")
    assert published_on("[::1]:6379:6379") == ("::1", "6379")
    assert published_on("${DB_PORT:-3306}:3306") == ("", "3306")
    assert published_on("${DB_PORT}:3306") is None  # a variable without a default: not read
    long = _services("services:\n  db:\n    image: mysql:8.4.0\n    ports:\n      - target: 3306\n"
                     "        published: 3306\n        host_ip: 127.0.0.1\n")["db"]
    assert [(p.value, p.line) for p in long.ports] == [("127.0.0.1:3306:3306", 5)]
