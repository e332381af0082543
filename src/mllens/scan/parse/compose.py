"""Docker Compose files read from their parsed YAML: each service's image, build arguments,
user, privileges, health check, environment and published ports, each with its line.

A file is a Compose file when its name says so (docker-compose*.yml, compose*.yaml,
*.compose.yml) or when its top-level `services` maps names to services that pull an image or
build one (and it is no Kubernetes manifest or CloudFormation template). Values are kept as
written; `${VAR:-default}` is resolved to its default by `interpolate`, and `${VAR}` without a
default is unknown (None).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile

_NAME = re.compile(r"(^|/)((docker-)?compose[\w.\-]*|[\w.\-]+\.compose)\.ya?ml$", re.IGNORECASE)
_VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?](?P<default>[^}]*))?\}|\$(\w+)")


@dataclass(frozen=True)
class Setting:
    """A scalar as written, with its line."""

    value: str
    line: int


@dataclass(frozen=True)
class Service:
    name: str
    line: int  # the service's key
    image: Setting | None = None
    builds: bool = False  # `build:` present: the image is built here (`image` then only tags it)
    build_args: tuple[tuple[str, Setting], ...] = ()
    user: Setting | None = None
    privileged: Setting | None = None
    healthcheck: Setting | None = None  # "disabled", or the test as written
    environment: tuple[tuple[str, Setting], ...] = ()
    ports: tuple[Setting, ...] = ()
    command: Setting | None = None  # the command (a list joined by spaces) as written
    replicas: Setting | None = None  # deploy.replicas, or the older scale


def _line(holder: Any, key: Any, default: int) -> int:
    line_of = getattr(holder, "line_of", None)
    return int(line_of(key)) if line_of is not None else default


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, (str, int, float)) else None


def _pairs(value: Any, line: int) -> tuple[tuple[str, Setting], ...]:
    """`KEY: value` maps and `- KEY=value` lists (a bare `- KEY` passes the host's value: skipped)."""
    out: list[tuple[str, Setting]] = []
    if isinstance(value, Mapping):
        for key, raw in value.items():
            text = _scalar(raw)
            if text is not None:
                out.append((str(key), Setting(text, _line(value, key, line))))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str) and "=" in item:
                key, _, text = item.partition("=")
                out.append((key.strip(), Setting(text.strip(), _line(value, index, line))))
    return tuple(out)


def _port(value: Any) -> str | None:
    """A `ports` entry in the short syntax; the long one ({target, published, host_ip}) rewritten to it."""
    if isinstance(value, Mapping):
        parts = [str(value[k]) for k in ("host_ip", "published", "target") if value.get(k) not in (None, "")]
        return ":".join(parts) if "target" in value else None
    return _scalar(value)


def published_on(port: str) -> tuple[str, str] | None:
    """(host address, container port) of a short-syntax `ports` entry; the address is "" when the
    port is published on every interface of the host; None when the entry cannot be read."""
    text = interpolate(port.split("/", 1)[0].strip())
    if not text:
        return None
    host = ""
    if text.startswith("["):  # an IPv6 address: [::1]:5432:5432
        host, _, text = text[1:].partition("]")
        text = text.lstrip(":")
    parts = text.split(":")
    if len(parts) == 3:
        host, parts = parts[0], parts[1:]
    return (host if host not in ("0.0.0.0", "::") else ""), parts[-1]


def _healthcheck(value: Any, line: int) -> Setting | None:
    if not isinstance(value, Mapping):
        return None
    test = value.get("test")
    disabled = value.get("disable") is True or (isinstance(test, list) and test[:1] == ["NONE"]) or test == "NONE"
    if disabled:
        return Setting("disabled", line)
    return Setting(" ".join(str(t) for t in test) if isinstance(test, list) else str(test or ""), line)


def _service(name: str, body: Mapping[str, Any], line: int) -> Service:
    def setting(key: str) -> Setting | None:
        text = _scalar(body.get(key))
        return Setting(text, _line(body, key, line)) if text is not None else None

    build = body.get("build")
    args = build.get("args") if isinstance(build, Mapping) else None
    ports = body.get("ports")
    return Service(
        name=name, line=line, image=setting("image"), builds=build is not None,
        build_args=_pairs(args, _line(build, "args", line)) if args is not None else (),
        user=setting("user"), privileged=setting("privileged"),
        healthcheck=_healthcheck(body.get("healthcheck"), _line(body, "healthcheck", line)),
        environment=_pairs(body.get("environment"), _line(body, "environment", line)),
        ports=tuple(Setting(text, _line(ports, i, line)) for i, p in enumerate(ports)
                    if (text := _port(p)) is not None) if isinstance(ports, list) else (),
        command=_command(body.get("command"), _line(body, "command", line)),
        replicas=_replicas(body, line),
    )


def _command(value: Any, line: int) -> Setting | None:
    if isinstance(value, list):
        return Setting(" ".join(str(v) for v in value), line)
    text = _scalar(value)
    return Setting(text, line) if text is not None else None


def _replicas(body: Mapping[str, Any], line: int) -> Setting | None:
    deploy = body.get("deploy")
    if isinstance(deploy, Mapping) and _scalar(deploy.get("replicas")) is not None:
        return Setting(str(_scalar(deploy.get("replicas"))), _line(deploy, "replicas", _line(body, "deploy", line)))
    text = _scalar(body.get("scale"))
    return Setting(text, _line(body, "scale", line)) if text is not None else None


def _shaped(data: Mapping[str, Any]) -> bool:
    services = data.get("services")
    if not isinstance(services, Mapping) or not services or "apiVersion" in data or "Resources" in data:
        return False
    bodies = list(services.values())
    return all(isinstance(b, Mapping) for b in bodies) and any("image" in b or "build" in b for b in bodies)


def _read(file: ParsedFile) -> tuple[Service, ...]:
    docs = file.data if isinstance(file.data, list) else []
    data = docs[0] if len(docs) == 1 and isinstance(docs[0], Mapping) else None
    if data is None or not (_NAME.search(file.path) or _shaped(data)):
        return ()
    services = data.get("services")
    if not isinstance(services, Mapping):
        return ()
    return tuple(_service(str(name), body, _line(services, name, 1))
                 for name, body in services.items() if isinstance(body, Mapping))


def compose_services(file: ParsedFile) -> tuple[Service, ...]:
    """The services of a Compose file (none for any other file), read once per file."""
    if file.kind != "yaml" or "services" not in file.text:
        return ()
    return file.memo("compose.services", _read)


def interpolate(text: str) -> str | None:
    """`text` with each `${VAR:-default}` replaced by its default; None when a variable has none."""
    unknown = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unknown
        default = match.group("default")
        if default is None:
            unknown = True
            return ""
        return default

    resolved = _VARIABLE.sub(replace, text)
    return None if unknown else resolved
