"""What a Dockerfile's RUN instructions install, and how reproducibly: one verdict per shell
command (for docker.image_installs).

A RUN is split into commands at `&&`, `||`, `;` and pipes. A command is judged by what it
runs: a package manager installing from a lock file (locked), naming packages without an
exact version (unpinned), or fetching a script or archive from the network and running it
with no checksum and no version in its URL (fetched). Anything else (apt packages, `pip install -r file`, a local
path, a value from a build argument) is not judged here: the requirements files have their
own family, and system packages follow the base image.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from mllens.scan.parse.dockerfile import Dockerfile, Instruction

_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\||&)\s*")
_PIPE_TO_SHELL = re.compile(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(-\S+\s+)*(ba|z|da)?sh\b|"
                            r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?python[\d.]*\b")
_CHECKSUM = re.compile(r"\b(sha\d+sum|md5sum|shasum|gpg\s+--verify|cosign\s+verify)\b|--checksum")
# what a download fetches that is then run or installed (a script, an archive, a package)
_RUNNABLE = re.compile(r"\.(sh|py|tar\.gz|tgz|tar\.xz|zip|whl|deb|rpm|run|bin)$|/get-pip\.py$")
# a release URL that names its version fetches the same file each build (no checksum, still fixed)
_VERSIONED_URL = re.compile(r"[/_-]v?\d+\.\d+(\.\d+)?[/_.-]")
# pip options that take a value (the value is no package)
_PIP_VALUED = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
    "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform",
    "--python-version", "--implementation", "--abi", "--src", "--cache-dir", "--progress-bar",
    "--index-strategy", "--python", "-p", "--only-binary", "--no-binary", "--upgrade-strategy", "--log",
    "--timeout", "--retries", "--proxy", "--cert", "--client-cert", "--exists-action", "--config-settings",
    "-C", "--group", "--extra", "--keyring-provider",
})  # fmt: skip
_CONDA_VALUED = frozenset({"-c", "--channel", "-n", "--name", "-p", "--prefix", "--file", "--override-channels"})
# the installer upgrading itself changes how packages install, not which versions the image runs
_INSTALLERS = frozenset({"pip", "setuptools", "wheel"})
_PIP_PIN = re.compile(r"^[A-Za-z0-9_.\-\[\],]+\s*===?\s*[\w.!+*-]+(\s*;.*)?$")
_CONDA_PIN = re.compile(r"^[A-Za-z0-9_.\-]+(==?|\s)[\w.!+-]*\d[\w.!+*-]*$")
_LOCK_NAMES = ("poetry.lock", "Pipfile.lock", "uv.lock", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
               "pnpm-lock.yaml", "conda-lock.yml", "pdm.lock")


@dataclass(frozen=True)
class Verdict:
    line: int
    outcome: str  # "locked", "unpinned", "fetched"
    what: str  # the tool, and the packages for "unpinned"


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=False)
    except ValueError:  # an unbalanced quote in a long shell line: split it plainly
        return command.split()


def _program(words: list[str]) -> tuple[str, list[str]]:
    """The program a command runs and its arguments, past env assignments, sudo and `python -m`."""
    while words and (re.match(r"^\w+=", words[0]) or words[0] in ("sudo", "exec", "env", "time", "command")):
        words = words[1:]
    if len(words) >= 3 and re.match(r"^(python|python3|python[\d.]+)$", words[0].rsplit("/", 1)[-1]) \
            and words[1] == "-m":
        words = words[2:]
    if not words:
        return "", []
    return words[0].rsplit("/", 1)[-1], words[1:]


def _package_args(args: list[str], valued: frozenset[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg.startswith("-"):
            skip = arg in valued
            continue
        out.append(arg)
    return out


def _unpinned_pip(specs: list[str], upgrade: bool) -> list[str]:
    loose: list[str] = []
    for spec in specs:
        if "$" in spec or "/" in spec or spec.startswith(".") or "://" in spec or " @ " in spec or "@" in spec:
            continue  # a build argument, a path, a URL or a direct reference: not a registry version
        if re.search(r"\.(whl|tar\.gz|zip)$", spec):
            continue
        name = re.split(r"[\[<>=!~;\s]", spec, maxsplit=1)[0].lower()
        if upgrade and name in _INSTALLERS and not _PIP_PIN.match(spec):
            continue
        if not _PIP_PIN.match(spec):
            loose.append(spec)
    return loose


def _copied(instructions: list[Instruction]) -> tuple[set[str], bool]:
    """File names COPY/ADD brought in so far, and whether a whole folder was copied (unknown)."""
    names: set[str] = set()
    folder = False
    for instruction in instructions:
        if instruction.keyword not in ("COPY", "ADD") or "from" in instruction.flags:
            continue
        value = instruction.value.strip()
        sources = re.findall(r'"([^"]*)"', value)[:-1] if value.startswith("[") else value.split()[:-1]
        for source in sources:
            base = source.rstrip("/").rsplit("/", 1)[-1]
            if base in (".", "", "*") or ("." not in base and "*" not in base):
                folder = True  # `COPY . .` or a folder: what it holds is not known here
            names.add(base)
    return names, folder


def _lock_copied(names: set[str], folder: bool, lock: str) -> bool | None:
    """True when the lock file was copied in, False when only other files were, None when unknown."""
    if lock in names or any("*" in n and re.fullmatch(n.replace(".", r"\.").replace("*", ".*"), lock) for n in names):
        return True
    return None if folder else False


def _judge(program: str, args: list[str], before: list[Instruction]) -> tuple[str, str] | None:
    flags = {a.split("=", 1)[0] for a in args if a.startswith("-")}
    sub = next((a for a in args if not a.startswith("-")), "")
    label = program
    if program == "uv" and sub == "pip":
        label, program, args = "uv pip", "pip", args[args.index("pip") + 1:]
        sub = next((a for a in args if not a.startswith("-")), "")
    if program in ("pip", "pip3", "pipx") or re.fullmatch(r"pip[\d.]+", program):
        if sub != "install":
            return ("locked", f"{label} sync") if sub == "sync" and label == "uv pip" else None
        if "--require-hashes" in flags:
            return "locked", f"{label} install --require-hashes"
        specs = _package_args(args[args.index("install") + 1:], _PIP_VALUED)
        loose = _unpinned_pip(specs, upgrade=bool(flags & {"-U", "--upgrade"}))
        return ("unpinned", f"{label} install {' '.join(loose)}") if loose else None
    if program == "pip-sync":
        return "locked", "pip-sync"
    if program == "uv" and sub == "sync":
        return ("locked", "uv sync " + " ".join(sorted(flags & {"--locked", "--frozen"}))) \
            if flags & {"--locked", "--frozen"} else None
    if program == "pipenv" and sub in ("install", "sync"):
        if sub == "sync" or flags & {"--deploy", "--ignore-pipfile"}:
            return "locked", f"pipenv {sub} " + " ".join(sorted(flags & {"--deploy", "--ignore-pipfile"}))
        return None
    names, folder = _copied(before)
    if program == "poetry" and sub in ("install", "sync"):
        copied = _lock_copied(names, folder, "poetry.lock")
        if copied is True:
            return "locked", f"poetry {sub} from poetry.lock"
        return ("unpinned", f"poetry {sub} with no poetry.lock copied in") if copied is False else None
    frozen = bool(flags & {"--frozen-lockfile", "--immutable"})
    if (program == "npm" and sub == "ci") or (program in ("yarn", "pnpm") and frozen):
        return "locked", f"{program} {sub or 'install'} from its lock file"
    if program == "npm" and sub in ("install", "i") and not _package_args(args[1:], frozenset()):
        copied = any(_lock_copied(names, folder, lock) for lock in ("package-lock.json", "npm-shrinkwrap.json"))
        if not copied and not folder:
            return "unpinned", "npm install with no package-lock.json copied in"
        return None
    if program in ("conda", "mamba", "micromamba") and sub == "install" and "--file" not in flags:
        specs = _package_args(args[args.index("install") + 1:], _CONDA_VALUED)
        loose = [s for s in specs if "$" not in s and not _CONDA_PIN.match(s.replace("==", "="))]
        return ("unpinned", f"{program} install {' '.join(loose)}") if loose else None
    if program == "conda-lock" and sub == "install":
        return "locked", "conda-lock install"
    return None


def _line_of(lines: list[str], instruction: Instruction, command: str, start: int = 0) -> int:
    """The physical line of a command inside a RUN continued over several lines (at or after `start`)."""
    words = command.split()
    first = max(start, instruction.line)
    for size in (3, 2, 1):
        needle = " ".join(words[:size])
        for number in range(first, max(instruction.end_line, instruction.line) + 1):
            text = lines[number - 1] if number - 1 < len(lines) else ""
            if needle and needle in " ".join(text.split()):
                return number
    return first


def verdicts(dockerfile: Dockerfile, lines: list[str]) -> list[Verdict]:
    """Every judged command of the Dockerfile's RUN instructions, in order."""
    out: list[Verdict] = []
    checksum = any(_CHECKSUM.search(i.value) for i in dockerfile.instructions if i.keyword == "RUN")
    seen: list[Instruction] = []
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            seen = []
        seen.append(instruction)
        if instruction.keyword == "ADD" and "checksum" not in instruction.flags:
            source = instruction.value.split()[0] if instruction.value.split() else ""
            if re.match(r"^https?://", source) and _RUNNABLE.search(source.split("?")[0]) \
                    and not _VERSIONED_URL.search(source):
                out.append(Verdict(instruction.line, "fetched", f"ADD {source}"))
            continue
        if instruction.keyword != "RUN" or instruction.value.lstrip().startswith("["):
            continue
        value = instruction.value
        piped = _PIPE_TO_SHELL.search(value)
        if piped:
            line = _line_of(lines, instruction, piped.group(0))
            out.append(Verdict(line, "fetched", " ".join(piped.group(0).split())))
        cursor = instruction.line
        for command in _SPLIT.split(value):
            if "$(" in command or "<(" in command or "`" in command:
                continue  # what a command substitution yields is not known here
            program, args = _program(_words(command))
            if not piped and not checksum and program in ("curl", "wget"):
                url = next((a for a in args if re.match(r"^https?://", a)), "")
                if url and _RUNNABLE.search(url.split("?")[0]) and not _VERSIONED_URL.search(url):
                    cursor = _line_of(lines, instruction, command, cursor)
                    out.append(Verdict(cursor, "fetched", f"{program} {url}"))
                continue
            verdict = _judge(program, args, seen[:-1])
            if verdict is not None:
                cursor = _line_of(lines, instruction, command, cursor)
                out.append(Verdict(cursor, *verdict))
    return out
