"""Folders that are not the project's own by their place and shape in the tree (the walker
asks this module as it lists each folder; mllens.scan.classify holds the other signals).

What a careful reader goes by, and the class it gives:

- vendored: a git submodule (a path `.gitmodules` at the root lists: another repository); a
  PyTorch Hub repository copied in (its `hubconf.py` below the root: Hub reads it only at a
  repository's root); a complete third-party project (its own LICENSE, a package file and
  tests) licensed unlike the project (the first line of its LICENSE differs from the root's;
  with no root LICENSE, or the same one, it may be a sub-project of a monorepo: not classed);
- docs (a copy or a template, not the workload): an exercise, lab, homework or output copy
  of files beside it (a folder so named whose names mostly repeat those of its siblings or of
  a sibling folder, as `labs/` beside `solutions/`); a dated snapshot (`2023/`) whose names
  mostly repeat the root's (an earlier edition of the tree); a project template (a
  Backstage `template.yaml` of kind Template with its skeleton, a folder whose name holds
  `{{ }}` as cookiecutter and copier write them); a folder whose own README opens by calling
  its content exploratory or sandbox work ("Sandbox experiments ... live here", "this
  directory encompasses some exploratory work"): the authors say it is not the workload;
- generated: scratch folders (`tmp/`, `temp/`), the output folders of runs (`outputs/`,
  `logs/`, `runs/`, `wandb/`, `lightning_logs/`, `multirun/`) unless they are a Python
  package, and the folders Great Expectations writes beside its `great_expectations.yml`
  (`uncommitted/`, `notebooks/`).

A development container (`.devcontainer/`) stays the project's own: it is the vetted
environment the team develops in, which MLOPS04-BP02 asks to be pinned, so its base image
and requirements decide that practice. What it is not is the image the workload ships: a
judgement of the shipped image (a non-root USER) should pass it over (`is_dev_container`),
which no file class can say, as the class is per file and not per judgement.

A folder named like a copy whose names do not repeat its neighbours' (a `labs/` that is the
project's own teaching material) is not classed. Every file read here is small and bounded,
and the walker records it for the walk snapshot (`watch`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mllens.scan.decision import Decision
from mllens.scan.kinds import TEST_DIRS

_COPY_DIRS = frozenset({"exercise", "exercises", "lab", "labs", "homework", "homeworks", "assignment",
                        "assignments", "starter", "starter_code", "starter-code"})  # fmt: skip
_SCRATCH_DIRS = frozenset({"tmp", "temp", ".tmp"})
_RUN_OUTPUT_DIRS = frozenset({"outputs", "output", "logs", "log", "runs", "wandb", "lightning_logs", "multirun"})
_GE_GENERATED = frozenset({"uncommitted", "notebooks"})
_LICENSES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING")
_PACKAGE_MARKS = ("setup.py", "setup.cfg", "pyproject.toml")
_TEMPLATES = ("template.yaml", "template.yml")
# names every folder may hold: they say nothing about one folder copying another
_COMMON = frozenset({"README.md", "README.rst", "README", "readme.md", "__init__.py", ".gitignore", ".DS_Store"})
_YEAR = re.compile(r"(?:19|20)\d\d")
_READMES = ("README.md", "README.rst", "README", "readme.md", "README.txt")
# the authors' own word that a folder is a trial, not the workload: "sandbox experiments",
# "exploratory work" (never "exploratory data analysis", which a project's notebooks do)
_SANDBOX = re.compile(r"\b(?:sandbox|exploratory|scratch|throwaway|playground)\s+"
                      r"(?:work|experiments?|code|notebooks?|scripts?|prototypes?)\b", re.IGNORECASE)
_README_OPENING = 600  # characters of prose after the headings: where a folder says what it is
_HEAD_BYTES = 4096
_MAX_SIBLINGS = 32  # folders listed to compare a copy with: a bound for hostile trees
_MAX_CANDIDATES = 16  # folders of one parent looked at as copies: the same bound
_GITMODULES_MAX = 256 * 1024


def _head(path: str, watch: Callable[[str], object]) -> str:
    """The first bytes of a small marker file as text ('' when unreadable)."""
    watch(path)
    try:
        with open(path, "rb") as handle:
            return handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _first_line(text: str) -> str:
    return next((line.strip().lower() for line in text.splitlines() if line.strip()), "")


def submodules(root: str, watch: Callable[[str], object]) -> frozenset[str]:
    """The paths `.gitmodules` at the root lists (`path = x/y`), relative, POSIX."""
    path = os.path.join(root, ".gitmodules")
    watch(path)  # also when there is none: one appearing changes the walk
    try:
        with open(path, "rb") as handle:
            text = handle.read(_GITMODULES_MAX).decode("utf-8", errors="replace")
    except OSError:
        return frozenset()
    found = re.findall(r"^\s*path\s*=\s*(.+?)\s*$", text, re.MULTILINE)
    return frozenset(p.strip("/").replace("\\", "/") for p in found if p.strip("/"))


def _repeats(names: Iterable[str], others: set[str]) -> tuple[int, int]:
    """(how many of `names` are in `others`, how many there are), common names left out."""
    own = [n for n in names if n not in _COMMON and not n.startswith(".")]
    return sum(1 for n in own if n in others), len(own)


def _mostly(shared: int, total: int) -> bool:
    return shared >= 2 and shared * 2 >= total


def _listing(path: str, watch: Callable[[str], object]) -> set[str]:
    watch(path)
    try:
        return set(os.listdir(path))
    except OSError:
        return set()


@dataclass
class Shapes:
    """What the walker needs to class folders by shape: the root's names, the submodules,
    the root LICENSE's first line (read once, when a third-party candidate asks)."""

    root: str
    watch: Callable[[str], object]
    submodule_paths: frozenset[str] = frozenset()
    root_names: set[str] = field(default_factory=set)
    _root_license: str | None = None

    def folder(self, rel: str, name: str, names: set[str], os_dir: str) -> Decision | None:
        """The class of the folder `rel` itself (base name `name`, children `names`)."""
        if not rel:
            self.root_names = names
            return None
        lower = name.lower()
        if rel in self.submodule_paths:
            return Decision("vendored", "a git submodule (listed in .gitmodules): another repository", rel)
        if "hubconf.py" in names:
            return Decision("vendored", "a PyTorch Hub repository copied in (hubconf.py below the root)", rel)
        if "{{" in name and "}}" in name:
            return Decision("docs", f"project template folder ({name}/: a cookiecutter or copier placeholder)", rel)
        if lower in _SCRATCH_DIRS:
            return Decision("generated", f"scratch folder ({name}/): downloads and run output, not source", rel)
        if lower in _RUN_OUTPUT_DIRS and "__init__.py" not in names:
            return Decision("generated", f"run output folder ({name}/): written by runs, not source", rel)
        readme = next((r for r in _READMES if r in names), None)
        if readme is not None and _sandbox(_head(os.path.join(os_dir, readme), self.watch)):
            return Decision("docs", f"its {readme} calls it exploratory or sandbox work, not the workload", rel)
        template = next((t for t in _TEMPLATES if t in names), None)
        if template is not None and self._backstage(os.path.join(os_dir, template)):
            return Decision("docs", f"a Backstage software template ({template} of kind Template): "
                                    "placeholders, not the project", rel)  # fmt: skip
        return self._third_party(rel, names, os_dir)

    def children(self, rel: str, os_dir: str, names: set[str]) -> dict[str, Decision]:
        """Classes the folder `rel` (children `names`) gives to some of its child folders
        (by their path): copies of their neighbours, folders a tool wrote."""
        out: dict[str, Decision] = {}
        if "great_expectations.yml" in names:
            for child in sorted(_GE_GENERATED & names):
                if os.path.isdir(os.path.join(os_dir, child)):
                    out[_join(rel, child)] = Decision("generated", f"written by Great Expectations ({child}/ beside "
                                                       "great_expectations.yml)", _join(rel, child))  # fmt: skip
        candidates = [c for c in names if _copy_name(c)]  # most names: a set lookup and a C search
        for child in sorted(candidates)[:_MAX_CANDIDATES] if len(candidates) > 1 else candidates:
            if _join(rel, child) in out or not os.path.isdir(os.path.join(os_dir, child)):
                continue
            found = self._copy_of(rel, os_dir, names, child, dated=_YEAR.fullmatch(child) is not None)
            if found is not None:
                out[found.where] = found
        return out

    def _copy_of(self, rel: str, os_dir: str, names: set[str], child: str, *, dated: bool) -> Decision | None:
        inside = _listing(os.path.join(os_dir, child), self.watch)
        where = _join(rel, child)
        if dated:
            shared, total = _repeats(inside, self.root_names - {child})
            if _mostly(shared, total):
                return Decision("docs", f"a dated copy of the project ({child}/: {shared} of its {total} names "
                                        "repeat the root's)", where)  # fmt: skip
            return None
        shared, total = _repeats(inside, names - {child})
        if _mostly(shared, total):
            return Decision("docs", f"an exercise or output copy ({child}/: {shared} of its {total} names "
                                    "repeat the files beside it)", where)  # fmt: skip
        siblings = sorted(n for n in names if n != child and os.path.isdir(os.path.join(os_dir, n)))
        for sibling in siblings[:_MAX_SIBLINGS]:
            shared, total = _repeats(inside, _listing(os.path.join(os_dir, sibling), self.watch))
            if _mostly(shared, total):
                return Decision("docs", f"an exercise copy of {sibling}/ ({child}/: {shared} of its {total} "
                                        f"names repeat {sibling}/'s)", where)  # fmt: skip
        return None

    def _backstage(self, path: str) -> bool:
        head = _head(path, self.watch)
        return "scaffolder.backstage.io" in head and re.search(r"^kind:\s*Template\s*$", head, re.MULTILINE) is not None

    def _third_party(self, rel: str, names: set[str], os_dir: str) -> Decision | None:
        license_file = next((n for n in _LICENSES if n in names), None)
        mark = next((m for m in _PACKAGE_MARKS if m in names), None)
        if license_file is None or mark is None or names.isdisjoint(TEST_DIRS):
            return None
        if self._root_license is None:
            root_file = next((n for n in _LICENSES if n in self.root_names), None)
            self._root_license = _first_line(_head(os.path.join(self.root, root_file), self.watch)) if root_file else ""
        own = _first_line(_head(os.path.join(os_dir, license_file), self.watch))
        if not self._root_license or not own or own == self._root_license:
            return None  # no root licence to compare with, or the same one: maybe a sub-project
        return Decision("vendored", f"a third-party project copied in (its own {license_file}, {mark} and tests, "
                                    "licensed unlike the project)", rel)  # fmt: skip


def is_dev_container(path: str) -> bool:
    """A file of a development container (`.devcontainer/` anywhere in its path): the
    editor's environment, not an image the workload ships."""
    return path.startswith(".devcontainer/") or "/.devcontainer/" in path


def _sandbox(readme: str) -> bool:
    """Whether a README's opening prose (headings and badges left out) calls the folder
    exploratory or sandbox work."""
    lines = (line.strip() for line in readme.splitlines())
    prose = " ".join(line for line in lines if line and not line.startswith(("#", "[!", "<")))
    return _SANDBOX.search(prose[:_README_OPENING]) is not None


def _copy_name(name: str) -> bool:
    """Named like a copy: an exercise, lab, homework or output folder, or a year."""
    lower = name.lower()
    return lower in _COPY_DIRS or "output" in lower or (len(name) == 4 and _YEAR.fullmatch(name) is not None)


def _join(rel: str, child: str) -> str:
    return f"{rel}/{child}" if rel else child
