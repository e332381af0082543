"""What a repository sets up for the people who work in it, beside its pipelines: pre-commit
hooks that stop secrets before they are committed, and the development container's image.

Both are read as text: a `.pre-commit-config.yaml` by its hook ids, a `devcontainer.json`
(JSON with comments, which a JSON parser refuses) by its `"image"` line."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors.ci.supply import _DIGEST, _EXACT
from mllens.scan.registry import rule

_PRECOMMIT = frozenset({".pre-commit-config.yaml", ".pre-commit-config.yml"})


def repo_config(path: str) -> str | None:
    """"precommit" or "devcontainer" for the files these rules read, else None."""
    base = path.rsplit("/", 1)[-1]
    if base in _PRECOMMIT:
        return "precommit"
    if base in ("devcontainer.json", ".devcontainer.json"):
        return "devcontainer"
    return None


# Hooks that look for keys, tokens and passwords in what is committed.
_SECRET_HOOKS = re.compile(r"^\s*-?\s*id:\s*['\"]?(detect-private-key|detect-aws-credentials|detect-secrets|gitleaks|"
                           r"trufflehog|ggshield|talisman-commit|secretlint|ripsecrets|git-secrets)['\"]?\s*(#.*)?$")


@rule()
def secret_scan_hooks(ctx: FileContext) -> None:
    if repo_config(ctx.file.path) != "precommit":
        return
    for number, line in enumerate(ctx.file.text.split("\n"), 1):
        match = _SECRET_HOOKS.match(line)
        if match is not None:
            ctx.supports(line=number, message=f"a pre-commit hook ({match.group(1)}) stops keys and secrets "
                                              "before they are committed")
            return


_IMAGE = re.compile(r"^\s*\"image\"\s*:\s*\"([^\"]+)\"")


@rule()
def dev_container_image(ctx: FileContext) -> None:
    if repo_config(ctx.file.path) != "devcontainer":
        return
    for number, line in enumerate(ctx.file.text.split("\n"), 1):
        match = _IMAGE.match(line)
        if match is None:
            continue
        ref = match.group(1)
        if "${" in ref:
            return  # from a variable or build argument: not known here
        tag = ref.split("@", 1)[0].rsplit("/", 1)[-1].partition(":")[2]
        if _DIGEST.search(ref):
            ctx.supports(line=number, message=f"the development container's image {ref.split('@')[0]} is pinned "
                                              "by digest")
        elif not tag or tag == "latest":
            ctx.contradicts(line=number, message=f"the development container runs {ref}, which follows latest: "
                                                 "each rebuild may bring other tools and libraries than CI's")
        elif _EXACT.search(ref):
            ctx.supports(line=number, confidence=0.6, message=f"the development container's image {ref} names "
                                                              "an exact version")
        return
