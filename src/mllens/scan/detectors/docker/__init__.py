"""Dockerfiles of training and serving images: the user the container runs as, how base
images are pinned, credentials baked into ENV/ARG, and health checks.

Multi-stage builds: only the final stage becomes the image, so USER and HEALTHCHECK are read
there; every FROM that pulls an image is judged for pinning. `FROM ${BASE}` is resolved from
an `ARG BASE=...` default when there is one.

Docker Compose files are read by the same rules (`scan/parse/compose.py`): a service's
`image` is pinned or not like a FROM, its `user` and `privileged` say how it runs, its
`healthcheck` is a HEALTHCHECK, and literal credentials in its `build.args` are baked in.
"""

from __future__ import annotations

import re

from mllens.scan.classify_shape import is_dev_container
from mllens.scan.context import FileContext, ParsedFile
from mllens.scan.detectors._docker_env import assignments, from_build_arg, literal_credential
from mllens.scan.detectors._docker_model import model_pulls, runtime_lines
from mllens.scan.detectors._docker_run import Verdict, verdicts
from mllens.scan.parse.compose import Service, compose_services, interpolate, published_on
from mllens.scan.parse.dockerfile import Dockerfile, Instruction
from mllens.scan.registry import rule

_ROOT = frozenset({"root", "0", "root:root", "0:0", "root:0", "0:root"})


def _dockerfile(file: ParsedFile) -> Dockerfile | None:
    return file.data if isinstance(file.data, Dockerfile) else None


def _final_stage(dockerfile: Dockerfile) -> list[Instruction]:
    stages = dockerfile.stages()
    return stages[-1] if stages else []


# AWS Lambda's own base images: Lambda starts the function as a least-privileged non-root user,
# whatever the image's USER says, so a missing USER is not a root container there.
_LAMBDA_BASE = re.compile(r"^(--\S+\s+)*(public\.ecr\.aws/lambda/|amazon/aws-lambda-)", re.IGNORECASE)
# Application base images whose own Dockerfile ends on a non-root USER: Red Hat UBI
# source-to-image images (user 1001) and the Open Data Hub runtime and workbench images built
# on them, the Jupyter Docker Stacks (jovyan) and Bitnami's images.
_NON_ROOT_BASE = re.compile(r"^(--\S+\s+)*(\S*/ubi\d*/(python|nodejs|s2i-base|s2i-core)-|quay\.io/modh/|"
                            r"quay\.io/opendatahub/workbench-images|(quay\.io/|docker\.io/)?jupyter/|"
                            r"(docker\.io/)?bitnami/)", re.IGNORECASE)


def _compose_users(ctx: FileContext) -> None:
    """A service's `user` and `privileged`, where written (otherwise its image decides)."""
    for service in compose_services(ctx.file):
        if service.privileged is not None and service.privileged.value == "true":
            ctx.contradicts(line=service.privileged.line,
                            message=f"service {service.name} runs privileged: root with the host's devices")
            continue
        name = service.user.value.strip() if service.user is not None else ""
        if service.user is None or not name or name.startswith("$"):
            continue
        if name.lower() in _ROOT:
            ctx.contradicts(line=service.user.line, message=f"service {service.name} runs as root (user: {name})")
        else:
            ctx.supports(line=service.user.line, message=f"service {service.name} runs as the non-root user {name}")


@rule()
def non_root_user(ctx: FileContext) -> None:
    if is_dev_container(ctx.file.path):
        return  # the editor's environment, not the image the workload ships
    _compose_users(ctx)
    dockerfile = _dockerfile(ctx.file)
    stage = _final_stage(dockerfile) if dockerfile is not None else []
    if not stage or stage[0].keyword != "FROM":
        return
    users = [i for i in stage if i.keyword == "USER"]
    if users:
        last = users[-1]
        name = last.value.split()[0] if last.value.split() else ""
        if name.lower() in _ROOT:
            ctx.contradicts(line=last.line, message="the image's last USER is root")
        elif name:
            ctx.supports(line=last.line, message=f"the image runs as the non-root user {name}")
    elif "nonroot" in stage[0].value.lower():
        ctx.supports(line=stage[0].line, confidence=0.7, message="the base image runs as a non-root user")
    elif _NON_ROOT_BASE.search(stage[0].value):
        ctx.supports(line=stage[0].line, confidence=0.7,
                     message="the base image's own USER is non-root (a UBI source-to-image, Open Data Hub, "
                             "Jupyter Docker Stacks or Bitnami image)")
    elif _LAMBDA_BASE.search(stage[0].value):
        ctx.supports(line=stage[0].line, confidence=0.7,
                     message="an AWS Lambda base image: Lambda runs the function as a non-root user")
    else:
        ctx.contradicts(line=stage[0].line, confidence=0.75,
                        message="no USER in the final stage: the container runs as root")


_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_EXACT = re.compile(r":(v?\d+\.\d+\.\d+[\w.+-]*|[\w.-]*\d{6,}[\w.-]*)$")


def _resolve(image: str, args: dict[str, str]) -> str | None:
    """An image name with ${ARG} replaced by its default; None if an ARG has no default."""
    def replace(match: re.Match[str]) -> str:
        return args.get(match.group(1) or match.group(2), "\0")

    resolved = re.sub(r"\$\{(\w+)\}|\$(\w+)", replace, image)
    return None if "\0" in resolved else resolved


@rule()
def base_image_pinned(ctx: FileContext) -> None:
    if is_dev_container(ctx.file.path):
        return  # the editor's environment, not an image the workload ships
    for service in compose_services(ctx.file):
        image = interpolate(service.image.value) if service.image is not None else None
        if service.image is not None and image and not service.builds:  # a built image's name is only its tag
            _judge_image(ctx, image, service.image.line, f"service {service.name}: ")
    dockerfile = _dockerfile(ctx.file)
    if dockerfile is None:
        return
    args: dict[str, str] = {}
    stages: set[str] = set()
    for instruction in dockerfile.instructions:
        if instruction.keyword == "ARG":
            name, _, default = instruction.value.partition("=")
            if default:
                args[name.strip()] = default.strip().strip("\"'")
            continue
        if instruction.keyword == "COPY" and instruction.flags.get("from"):
            # COPY --from=ghcr.io/astral-sh/uv:latest pulls an image as a FROM does (a stage name has no / or :)
            source = _resolve(instruction.flags["from"], args)
            if source and source.lower() not in stages and not source.isdigit() and ("/" in source or ":" in source):
                _judge_image(ctx, source, instruction.line, "COPY --from=")
            continue
        if instruction.keyword != "FROM":
            continue
        parts = instruction.value.split()
        if not parts:
            continue
        if len(parts) >= 3 and parts[1].lower() == "as":
            stages.add(parts[2].lower())
        image = _resolve(parts[0], args)
        if image is None or image.lower() in stages or image == "scratch":
            continue  # an earlier stage, an empty base, or a build argument without a default
        _judge_image(ctx, image, instruction.line)


def _judge_image(ctx: FileContext, image: str, line: int, where: str = "") -> None:
    last = image.rsplit("/", 1)[-1]
    if _DIGEST.search(image):
        ctx.supports(line=line, message=f"{where}{image.split('@')[0]} is pinned by digest")
    elif ":" not in last or last.endswith(":latest"):
        ctx.contradicts(line=line, message=f"{where}{image} has no tag or uses latest: every build or pull "
                                           f"may get a different image")
    elif _EXACT.search(last):
        ctx.supports(line=line, confidence=0.75,
                     message=f"{where}{image} names an exact version (a digest is stronger)")
    else:
        ctx.contradicts(line=line, confidence=0.6, message=f"{where}{image} uses a floating tag that moves with "
                                                           f"updates; pin a version or a digest")


@rule()
def secrets_in_env(ctx: FileContext) -> None:
    for service in compose_services(ctx.file):
        for name, arg in service.build_args:
            if literal_credential(name, arg.value):
                ctx.contradicts(line=arg.line, message=f"service {service.name} passes a literal {name} as a build "
                                                       f"argument ({len(arg.value)} characters): it stays in the "
                                                       f"image's history; use a build secret")
    dockerfile = _dockerfile(ctx.file)
    if dockerfile is None:
        return
    build_args: set[str] = set()
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        for name, value in assignments(instruction) or [(instruction.value.strip().partition("=")[0], "")]:
            if instruction.keyword == "ARG":
                build_args.add(name)
            if instruction.keyword == "ENV" and from_build_arg(name, value, build_args):
                ctx.contradicts(line=instruction.line,
                                message=f"ENV {name} copies a build argument into the image's environment: "
                                        f"every container and anyone who pulls the image can read it; pass it "
                                        f"at run time or use a build secret")
            elif literal_credential(name, value):
                # never repeat the value: it would end up in reports and CI logs
                ctx.contradicts(line=instruction.line,
                                message=f"{instruction.keyword} {name} bakes a literal credential into the image "
                                        f"({len(value)} characters); pass it at run time or use a build secret")


@rule()
def healthcheck(ctx: FileContext) -> None:
    for service in compose_services(ctx.file):
        check = service.healthcheck
        if check is not None and check.value == "disabled":
            ctx.contradicts(line=check.line, message=f"service {service.name} turns its image's health check off")
        elif check is not None:
            ctx.supports(line=check.line, message=f"service {service.name} declares a health check")
        elif service.builds and service.ports:  # the project's own server, reachable on a port
            ctx.contradicts(line=service.line, confidence=0.6,
                            message=f"service {service.name} is built here and serves on a port with no health "
                                    f"check: Compose cannot tell when it hangs (unless its Dockerfile declares one)")
    dockerfile = _dockerfile(ctx.file)
    stage = _final_stage(dockerfile) if dockerfile is not None else []
    checks = [i for i in stage if i.keyword == "HEALTHCHECK"]
    if not checks:
        return
    last = checks[-1]
    if last.value.strip().upper() == "NONE":
        ctx.contradicts(line=last.line, message="HEALTHCHECK NONE turns off the base image's health check")
    else:
        ctx.supports(line=last.line, message="the image declares a HEALTHCHECK")


# Images of databases, caches, search engines and object stores (the repository's last name part).
_DATA_STORE = re.compile(
    r"^(postgres|postgresql|postgis|pgvector|timescaledb|mysql|mariadb|mongo|mongodb|redis|redis-stack|valkey|"
    r"elasticsearch|opensearch|minio|clickhouse-server|cassandra|neo4j|influxdb|couchdb|qdrant|weaviate|milvus|"
    r"chroma|mssql-server|memcached)$", re.IGNORECASE)
_STOCK_PASSWORD = frozenset({"example", "postgres", "password", "mysql", "root", "admin", "secret", "changeme",
                             "minioadmin", "minio123", "redis", "mongo"})


def _data_store(service: Service) -> str | None:
    image = interpolate(service.image.value) if service.image is not None else None
    if not image:
        return None
    repository = image.split("@")[0].rsplit("/", 1)[-1].split(":")[0]
    return repository if _DATA_STORE.match(repository) else None


@rule()
def data_store_ports(ctx: FileContext) -> None:
    for service in compose_services(ctx.file):
        store = _data_store(service)
        if store is None or not service.ports:
            continue
        stock = any("PASSWORD" in name.upper() and value.value.lower() in _STOCK_PASSWORD
                    for name, value in service.environment)
        for port in service.ports:
            where = published_on(port.value)
            if where is None:
                continue
            host, target = where
            if host:
                ctx.supports(line=port.line, message=f"service {service.name} ({store}) publishes port {target} "
                                                     f"only on {host}")
            else:
                note = ", and its password is a stock default" if stock else ""
                ctx.contradicts(line=port.line, message=f"service {service.name} ({store}) publishes port {target} "
                                                        f"on every interface of the host{note}: bind it to "
                                                        f"127.0.0.1 or leave it on the internal network")


_INSTALLS = {"locked": "supports", "unpinned": "contradicts", "fetched": "contradicts"}


@rule()
def image_installs(ctx: FileContext) -> None:
    dockerfile = _dockerfile(ctx.file) if not is_dev_container(ctx.file.path) else None
    if dockerfile is None:
        return
    merged: dict[tuple[int, str], list[str]] = {}
    for found in verdicts(dockerfile, ctx.file.lines):  # `pip install a; pip install b` on one line: one finding
        merged.setdefault((found.line, found.outcome), []).append(found.what)
    for (line, outcome), what in merged.items():
        verdict = Verdict(line, outcome, "; ".join(what))
        if verdict.outcome == "locked":
            ctx.supports(line=verdict.line, message=f"the image installs from a lock file: {verdict.what}")
        elif verdict.outcome == "unpinned":
            ctx.contradicts(line=verdict.line, message=f"the image installs without exact versions: {verdict.what}; "
                                                       f"each build may get different packages")
        else:
            ctx.contradicts(line=verdict.line, confidence=0.75,
                            message=f"the build fetches and runs code from the network with no checksum: "
                                    f"{verdict.what}")


@rule()
def inference_runtime(ctx: FileContext) -> None:
    dockerfile = _dockerfile(ctx.file) if not is_dev_container(ctx.file.path) else None
    for line, what in runtime_lines(dockerfile) if dockerfile is not None else []:
        ctx.supports(line=line, message=f"the image serves an exported model with a lean runtime: {what}")


@rule()
def model_version(ctx: FileContext) -> None:
    dockerfile = _dockerfile(ctx.file) if not is_dev_container(ctx.file.path) else None
    for line, what in model_pulls(dockerfile) if dockerfile is not None else []:
        ctx.supports(line=line, message=f"the image fetches the model at the version the repository records: {what}")
