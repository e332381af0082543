"""The images pipelines build and push: under which tag (a moving `latest`, or one naming
the commit), and what the build is handed (credentials as build arguments)."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._ci import commands
from mllens.scan.detectors._ci_system import system_of
from mllens.scan.detectors._docker_run import _words
from mllens.scan.registry import rule

_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
# CI variables that name the commit or the build (GitHub, GitLab, CodeBuild, Cloud Build, Azure, Jenkins)
_COMMIT = re.compile(r"github\.sha|GITHUB_SHA|CI_COMMIT_(SHORT_)?SHA|CI_COMMIT_TAG|CODEBUILD_RESOLVED_SOURCE_VERSION|"
                     r"COMMIT_SHA|SHORT_SHA|TAG_NAME|Build\.BuildId|Build\.SourceVersion|BUILD_BUILDID|GIT_COMMIT|"
                     r"BUILD_NUMBER|BUILD_ID", re.IGNORECASE)
_SECRET_ARG = re.compile(r"(secret|token|passw|access_?key|api_?key|private_?key|credential)", re.IGNORECASE)


def _tag(ref: str) -> str:
    last = ref.rsplit("/", 1)[-1]
    return last.partition(":")[2] if ":" in last else ""


def _pushed(words: list[str]) -> list[str]:
    """The image references a command pushes: `docker push REF`, or `docker buildx build --push -t REF`."""
    if len(words) >= 3 and words[0] in ("docker", "podman") and words[1] == "push":
        return [w for w in words[2:] if not w.startswith("-")][:1]
    if words[:3] == ["docker", "buildx", "build"] and "--push" in words:
        return [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-t", "--tag")]
    return []


@rule()
def pushed_image_tags(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    for command in commands(ctx.file):
        for part in _SPLIT.split(command.text):
            for ref in _pushed(_words(part)):
                tag = _tag(ref)
                if _COMMIT.search(tag):
                    for check in ("versioned_serving_artifacts", "base_images_pinned"):
                        ctx.supports(line=command.line, check=check, message=f"CI pushes {ref}, tagged with the "
                                                                              "commit or build it came from")
                elif tag == "latest" or (not tag and "$" not in ref):  # `$IMAGE` may hold its own tag
                    for check in ("versioned_serving_artifacts", "base_images_pinned"):
                        ctx.contradicts(line=command.line, check=check,
                                        message=f"CI pushes {ref} as latest: what is deployed cannot be told "
                                                "apart from the next build, nor rolled back by tag")


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
