"""The images pipelines build, push and deploy: under which tag (a moving `latest`, or one
naming the commit), and what the build is handed (credentials as build arguments).

A tag is often set apart from the command (`IMAGE_TAG: latest` in a step's `env`, a GitLab
or Azure variable): it is read through the variables in the command's scope, and the
evidence goes where the tag is set, the line to change."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mllens.scan.classify_shape import is_dev_container
from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import Command, Var, commands, document, line_of, steps
from mllens.scan.detectors._ci_system import system_of
from mllens.scan.detectors._docker_run import _words
from mllens.scan.registry import rule

_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
# CI variables that name the commit or the build (GitHub, GitLab, CodeBuild, Cloud Build, Azure, Jenkins)
_COMMIT = re.compile(r"github\.sha|GITHUB_SHA|CI_COMMIT_(SHORT_)?SHA|CI_COMMIT_TAG|CODEBUILD_RESOLVED_SOURCE_VERSION|"
                     r"COMMIT_SHA|SHORT_SHA|TAG_NAME|Build\.BuildId|Build\.SourceVersion|BUILD_BUILDID|GIT_COMMIT|"
                     r"BUILD_NUMBER|BUILD_ID|github\.ref_name|GITHUB_REF_NAME", re.IGNORECASE)
_SECRET_ARG = re.compile(r"(secret|token|passw|access_?key|api_?key|private_?key|credential)", re.IGNORECASE)
# $NAME, ${NAME}, $(NAME) (Azure), ${{ env.NAME }} (GitHub)
_VAR = re.compile(r"\$\{\{\s*env\.(\w+)\s*\}\}|\$\{(\w+)\}|\$\((\w+)\)|\$(\w+)")
_CHECKS = ("versioned_serving_artifacts", "base_images_pinned")


def _tag(ref: str) -> str:
    last = ref.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.partition(":")[2] if ":" in last else ""


def _expand(text: str, command: Command | None) -> tuple[str, Var | None]:
    """`text` with the variables its command's scope sets put in (once, not recursively),
    and the last variable used."""
    used: list[Var] = []

    def put(match: re.Match[str]) -> str:
        var = command.var(next(g for g in match.groups() if g)) if command is not None else None
        if var is None:
            return match.group(0)
        used.append(var)
        return var.value

    return _VAR.sub(put, text), (used[-1] if used else None)


def _pushed(words: list[str]) -> list[str]:
    """The image references a command pushes: `docker push REF`, or `docker buildx build --push -t REF`."""
    if len(words) >= 3 and words[0] in ("docker", "podman") and words[1] == "push":
        return [w for w in words[2:] if not w.startswith("-")][:1]
    if words[:3] == ["docker", "buildx", "build"] and "--push" in words:
        return [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-t", "--tag")]
    return []


def _verdict(ref: str, command: Command | None) -> tuple[str, str, Var | None] | None:
    """("commit" | "latest", the reference as read, the variable that set its tag), or None
    when the tag is another version or cannot be known."""
    if "@sha256:" in ref:
        return None  # a digest: the image itself, whatever its tag
    tag, var = _tag(ref), None
    if "$" in tag:
        tag, var = _expand(tag, command)
    elif not tag and ref.startswith("$") and _VAR.fullmatch(ref):  # `$IMAGE`: the variable may hold a tag
        whole, var = _expand(ref, command)
        if var is None:
            return None
        ref, tag = whole, _tag(whole)
    if _COMMIT.search(tag):
        return "commit", ref, var
    if tag == "latest" or (not tag and "$" not in ref.rsplit("/", 1)[-1]):  # `$REGISTRY/name`: no tag
        return "latest", ref, var
    return None


def _judge(ctx: FileContext, ref: str, line: int, command: Command | None, *, dev: bool = False) -> None:
    verdict = _verdict(ref, command)
    if verdict is None:
        return
    kind, shown, var = verdict
    at = var.line if var is not None else line
    where = f" (tag set by {var.name} at line {var.line})" if var is not None else ""
    # a development container's image is the team's environment, never what an endpoint serves
    checks = ("base_images_pinned",) if dev else _CHECKS
    for check in checks:  # the version of what is served, and of the image the jobs that pull it run
        if kind == "commit":
            ctx.supports(line=at, check=check, message=f"CI pushes {shown}, tagged with the commit or build it "
                                                         f"came from{where}")
            continue
        ctx.contradicts(line=at, check=check, message=f"CI pushes {shown} as latest{where}: what is deployed "
                                                      "cannot be told apart from the next build, nor rolled back by "
                                                      "tag")


# Actions that push an image: docker/build-push-action (with push: true), and any action
# named for a push to a registry (an ECR or GCR push action) with the image it pushes.
_PUSH_ACTION = re.compile(r"push", re.IGNORECASE)
_IMAGE_INPUTS = ("tags", "image", "image-name", "image_name")


def _action_pushes(doc: Mapping[Any, Any]) -> Iterator[tuple[str, int, bool]]:
    """(image, line, built from a development container's Dockerfile or context) per push."""
    for _job, step in steps(doc):
        uses, given = str(step.get("uses", "")).split("@")[0], step.get("with")
        if not _PUSH_ACTION.search(uses) or not isinstance(given, Mapping):
            continue
        if uses.endswith("build-push-action") and str(given.get("push", "")).lower() != "true":
            continue  # built, loaded or exported, not pushed
        dev = any(is_dev_container(str(given.get(k, "")).removeprefix("./") + "/") for k in ("file", "context"))
        for key in _IMAGE_INPUTS:
            value = given.get(key)
            if isinstance(value, str):
                for ref in re.split(r"[\s,]+", value.strip()):
                    if ref and "${{" not in ref:
                        yield ref, line_of(given, key), dev
                break


def _cloud_build_images(doc: Mapping[Any, Any], cmds: list[Command]) -> Iterator[tuple[str, int]]:
    """The `images:` Cloud Build pushes when its steps end, at the step that builds each (or the list)."""
    images = doc.get("images")
    for i, ref in enumerate(images if isinstance(images, list) else []):
        if isinstance(ref, str):
            built = next((c.line for c in cmds if "build" in c.text and ref in c.text.split()), None)
            yield ref, built or line_of(images, i, line_of(doc, "images"))


@rule()
def pushed_image_tags(ctx: FileContext) -> None:
    ci = system_of(ctx.file)
    if ci is None:
        return
    cmds = commands(ctx.file)
    for command in cmds:
        for part in _SPLIT.split(command.text):
            for ref in _pushed(_words(part)):
                _judge(ctx, ref, command.line, command)
    doc = document(ctx.file)
    if doc is not None and ci == "github":
        for ref, line, dev in _action_pushes(doc):
            _judge(ctx, ref, line, None, dev=dev)
    if doc is not None and ci == "cloudbuild":
        for ref, line in _cloud_build_images(doc, cmds):
            _judge(ctx, ref, line, None)


_IMAGE_FLAG = re.compile(r"^--(image-uri|image|image-url|container-image-uri|container-image)(=|$)")


@rule()
def deployed_image_tags(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    for command in commands(ctx.file):
        if not runs.deploys(command.text):
            continue
        words = _words(command.text)
        for i, word in enumerate(words):
            match = _IMAGE_FLAG.match(word)
            if match is None:
                continue
            ref = word.split("=", 1)[1] if match.group(2) == "=" else (words[i + 1] if i + 1 < len(words) else "")
            verdict = _verdict(ref, command) if ref and not ref.startswith("-") else None
            if verdict is not None and verdict[0] == "latest":
                var = verdict[2]
                ctx.contradicts(line=var.line if var is not None else command.line,
                                message=f"CI deploys {verdict[1]}, a moving tag: the running version cannot be "
                                        "told apart from the next, nor rolled back by tag")


@rule()
def build_arg_secrets(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    for command in commands(ctx.file):
        for part in _SPLIT.split(command.text):
            words = _words(part)
            if not words or words[0] not in ("docker", "podman") or "build" not in words[1:3]:
                continue
            names = []
            for i, word in enumerate(words):
                arg = words[i + 1] if word == "--build-arg" and i + 1 < len(words) else \
                    word.removeprefix("--build-arg=") if word.startswith("--build-arg=") else ""
                name = arg.split("=", 1)[0]
                if name and _SECRET_ARG.search(name):
                    names.append(name)
            if names:
                ctx.contradicts(line=command.line, message=f"CI hands {', '.join(names)} to docker build as build "
                                                           "arguments: they stay in the image's history")
