"""Scripts virtual machines run at first boot (user data): what they install, and the
secrets they carry. User data is stored with the instance and shown to anyone who may
describe it, and it installs whatever the package index serves that day."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds_platform import BootScript
from mllens.scan.registry import rule

_PIP = re.compile(r"\bpip[0-9.]*\s+install\s+(.*)$")
_LOCKED = re.compile(r"(?:^|\s)(?:--constraint|-c|--require-hashes|--hash)(?:[\s=]|$)")
_TAKES_VALUE = {"-c", "--constraint", "-r", "--requirement", "-i", "--index-url", "--extra-index-url", "-t",
                "--target", "-f", "--find-links", "--prefix", "--root", "-e", "--editable"}
_DOWNLOAD = re.compile(r"\b(?:wget|curl)\b.*?(https?://\S+?\.(?:tar\.gz|tgz|tar\.bz2|tar\.xz|zip))\b")
_CHECKED = re.compile(r"\b(?:sha256sum|sha512sum|shasum|md5sum|gpg\s+--verify|cosign\s+verify)\b")
# a template parameter or variable substituted into the script whose name says it is a secret
_SECRET = re.compile(r"\$\{(?:var\.)?([A-Za-z0-9_]*(?:[Pp]ass(?:word)?|PASSWORD|[Ss]ecret|SECRET|[Tt]oken|TOKEN)"
                     r"[A-Za-z0-9_]*)\}")

# names of where a secret is kept, not of the secret (a secret's ARN, id or name)
_POINTER = re.compile(r"(?:Arn|ARN|_arn|Id|ID|_id|Name|_name|Path|_path)$")


def _unpinned(args: str) -> list[str]:
    """The packages of a pip install's arguments that name no exact version."""
    out, skip = [], False
    for word in args.split():
        if word in ("&&", "||", ";", "|") or word.startswith("#"):
            break  # the next command
        if skip or word in _TAKES_VALUE:
            skip = not skip and word in _TAKES_VALUE
            continue
        bare = word.strip("'\"")
        name = re.split(r"[\[<>=!~]", bare, maxsplit=1)[0].lower()
        if not word.startswith(("-", "$")) and "==" not in bare and name not in ("pip", "") and "/" not in bare:
            out.append(bare)
    return out


@rule()
def boot_script_installs(ctx: FileContext) -> None:
    for machine in state_of(ctx.file).of(BootScript):
        checked = any(_CHECKED.search(text) for _, text in machine.lines)
        for line, text in machine.lines:
            found = _PIP.search(text)
            if found and _LOCKED.search(found.group(1)):
                ctx.supports(line=line, message=f"{machine.address} installs Python packages at boot against a "
                                                f"constraints file or hashes")
            elif found and _unpinned(found.group(1)):
                loose = ", ".join(_unpinned(found.group(1)))
                ctx.contradicts(line=line, message=f"{machine.address} installs {loose} at boot with no version: "
                                                   "each new instance may get different releases")
            download = _DOWNLOAD.search(text)
            if download and not checked:
                ctx.contradicts(line=line, message=f"{machine.address} downloads {download.group(1)} at boot and "
                                                   "checks no checksum or signature")


@rule()
def boot_script_secrets(ctx: FileContext) -> None:
    for machine in state_of(ctx.file).of(BootScript):
        found = next(((line, m.group(1)) for line, text in machine.lines for m in _SECRET.finditer(text)
                      if not _POINTER.search(m.group(1))), None)
        if found is not None:
            line, name = found
            ctx.contradicts(line=line, message=f"{machine.address} writes {name} into its user data: anyone who "
                                               "may describe the instance reads it; fetch it from a secrets manager")
