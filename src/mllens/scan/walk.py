"""The file index: every file of a project the scan may look at, with its kind and size.

The walker opens no file but .gitignore and .gitattributes files (and the file lists of
installed packages' `*.dist-info`, see mllens.scan.classify, and a few small markers:
.gitmodules, the head of a LICENSE or a Backstage template.yaml, see
mllens.scan.classify_shape). It skips what is not the project's
own (VCS data, virtualenvs, vendored and generated code, caches), honours nested .gitignore
files, follows a symlink only when it stays inside the tree and leads somewhere not seen
yet (tracked by device and inode, so loops end), and never touches special files (a FIFO
would block a read forever). Problems become Diagnostics naming the path.

A user's exclude list (`--exclude`, `scan: {exclude: [...]}` in mllens.yaml) is read as one
.gitignore at the project root that no other .gitignore can override: an excluded folder is
not entered at all, and a `!pattern` only takes back what an earlier exclude pattern took.

Each file is classed as it is indexed (project, test, vendored, fixture, generated, docs:
mllens.scan.classify); `WalkResult.classes` holds every decision other than the default.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pathspec

from mllens.scan import classify as fileclass
from mllens.scan.classify_shape import Shapes, submodules
from mllens.scan.context import IndexedFile
from mllens.scan.ignore import IgnoreFile, is_ignored
from mllens.scan.kinds import classify
from mllens.scan.result import Diagnostic
from mllens.scan.skip import (
    ARTIFACT_KEEP,
    ARTIFACT_ROOTS,
    BUILD_DIRS,
    SKIP_DIRS,
    SKIP_PATHS,
    is_build_output,
    is_virtualenv,
)
from mllens.scan.walk_stat import DEFAULT_MAX_SIZE, MAX_FILES, Seen, seen

# Notebooks carry their outputs (images) and so run large.
_SIZE_FACTOR = {"notebook": 8.0}
MAX_DEPTH = 64
_GITIGNORE_MAX = 1024 * 1024


def exclude_rules(patterns: Sequence[str]) -> IgnoreFile | None:
    """The exclude list as root .gitignore rules (None when empty). ValueError names the
    first pattern that is not a gitignore-style pattern, or matches nothing by its syntax
    (blank, a comment, an unclosed bracket)."""
    for pattern in patterns:
        try:
            parsed = pathspec.GitIgnoreSpec.from_lines([pattern]).patterns
        except (ValueError, re.error):  # pathspec's pattern error is a ValueError
            parsed = []
        if not parsed or parsed[0].include is None:
            raise ValueError(f"expected a gitignore-style pattern, got {pattern!r}")
    return IgnoreFile("", list(patterns)) if patterns else None


def size_limit(kind: str, max_size: int = DEFAULT_MAX_SIZE) -> int:
    return int(max_size * _SIZE_FACTOR.get(kind, 1.0))


def display_path(rel: str) -> str:
    """A path safe to print and serialise: bytes that are not UTF-8 (kept by Python as
    surrogates) become \\xNN, control characters such as a newline become escapes."""
    if rel.isprintable():
        return rel
    out = []
    for ch in rel:
        if "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif not ch.isprintable():
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class WalkResult:
    files: list[IndexedFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # path -> (size, mtime_ns, ctime_ns, inode, device): lets a re-scan trust what it cached
    stats: dict[str, tuple[int, int, int, int, int]] = field(default_factory=dict)
    # path -> its class and why, for every file that is not the project's own by default
    classes: dict[str, fileclass.Decision] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (folder, why) not walked at all
    # every folder listed or looked into and every file read, as it was: a re-scan whose
    # tree still matches all of them can reuse this walk (mllens.scan.walk_snapshot)
    watched: dict[str, Seen] = field(default_factory=dict)


@dataclass
class _Walker:
    root: str
    max_size: int
    max_files: int
    exclude: IgnoreFile | None = None
    overrides: fileclass.Overrides | None = None
    result: WalkResult = field(default_factory=WalkResult)
    seen: set[tuple[int, int]] = field(default_factory=set)
    links: list[tuple[str, str, int, tuple[IgnoreFile, ...], fileclass.Folder]] = field(default_factory=list)
    limits: dict[str, int] = field(default_factory=dict)  # size_limit per kind, worked out once
    shapes: Shapes | None = None
    pending: dict[str, fileclass.Decision] = field(default_factory=dict)  # a folder's class from its parent

    def excluded(self, rel: str, name: str, *, is_dir: bool) -> bool:
        return self.exclude is not None and self.exclude.decide(rel, name, is_dir=is_dir) is True

    def diag(self, rel: str, kind: str, message: str) -> None:
        self.result.diagnostics.append(Diagnostic(file=display_path(rel) or ".", kind=kind, message=message))

    def walk_dir(
        self, os_dir: str, rel: str, depth: int, ignores: tuple[IgnoreFile, ...], parent: fileclass.Folder
    ) -> None:
        stack = [(os_dir, rel, depth, ignores, parent)]
        while stack:
            os_dir, rel, depth, ignores, parent = stack.pop()
            self.result.watched[os_dir] = seen(os_dir)  # before listing: a change while listing shows next time
            try:
                entries = sorted(os.scandir(os_dir), key=lambda e: e.name, reverse=True)
            except OSError as exc:
                self.diag(rel or ".", "unreadable", f"cannot list directory: {exc.strerror or exc}")
                continue
            names = {e.name for e in entries}
            if ".gitignore" in names:
                ignores = self._read_gitignore(os.path.join(os_dir, ".gitignore"), rel, ignores)
            attributes = self._read_gitattributes(os_dir, rel) if ".gitattributes" in names else None
            for meta in names:
                if meta.endswith(".dist-info"):  # the classifier reads their file lists
                    for listing in ("top_level.txt", "RECORD"):
                        self._watch(os.path.join(os_dir, meta, listing))
            name = rel.rpartition("/")[2]
            shape = self.pending.pop(rel, None)
            if self.shapes is not None:
                shape = fileclass.stronger(shape, self.shapes.folder(rel, name, names, os_dir))
                self.pending.update(self.shapes.children(rel, os_dir, names))
            folder = fileclass.enter(rel, name, names, parent, os_dir=os_dir, attributes=attributes, shape=shape)
            in_artifacts = rel.split("/", 1)[0] in ARTIFACT_ROOTS or "/mlruns/" in f"/{rel}/"
            for entry in entries:
                child = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_symlink():
                    self.links.append((entry.path, child, depth + 1, ignores, folder))
                elif entry.is_dir(follow_symlinks=False):
                    if self._skip_dir(entry, child, ignores):
                        continue
                    if depth + 1 > MAX_DEPTH:
                        self.diag(child, "too_deep", f"directory nested deeper than {MAX_DEPTH} levels: not scanned")
                        continue
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if (info.st_dev, info.st_ino) in self.seen:
                        continue
                    self.seen.add((info.st_dev, info.st_ino))
                    stack.append((entry.path, child, depth + 1, ignores, folder))
                elif not self._skip_file(ignores, child, entry.name):
                    self._add_file(entry.path, child, entry.name, None, in_artifacts, folder)
                if len(self.result.files) >= self.max_files:
                    self.diag(".", "too_many_files", f"stopped after {self.max_files} files")
                    return

    def _skip_file(self, ignores: tuple[IgnoreFile, ...], rel: str, name: str) -> bool:
        return self.excluded(rel, name, is_dir=False) or is_ignored(ignores, rel, name, is_dir=False)

    def _skip_dir(self, entry: os.DirEntry[str], rel: str, ignores: tuple[IgnoreFile, ...]) -> bool:
        name = entry.name
        if self.excluded(rel, name, is_dir=True):
            return self._skipped(rel, "left out by an exclude pattern")
        if name in SKIP_DIRS or rel in SKIP_PATHS or name.endswith(".egg-info"):
            return self._skipped(rel, "not the project's own (VCS data, caches, vendored or installed packages)")
        if name in BUILD_DIRS and self._watch(entry.path) and is_build_output(entry.path):
            return self._skipped(rel, "packaging output")
        if name in ("venv", "env", "virtualenv", ".env") or name.startswith(("venv", ".venv")):
            self._watch(entry.path)
            try:
                if is_virtualenv(entry.path, set(os.listdir(entry.path))):
                    return self._skipped(rel, "a virtual environment")
            except OSError:
                return False
        elif self._watch(entry.path) and os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
            return self._skipped(rel, "a virtual environment")
        return is_ignored(ignores, rel, name, is_dir=True)

    def _watch(self, path: str) -> bool:
        self.result.watched[path] = seen(path)
        return True

    def _skipped(self, rel: str, why: str) -> bool:
        self.result.skipped.append((display_path(rel), why))
        return True

    def _read_gitattributes(self, os_dir: str, rel: str) -> fileclass.Attributes | None:
        self._watch(os.path.join(os_dir, ".gitattributes"))
        try:
            with open(os.path.join(os_dir, ".gitattributes"), "rb") as handle:
                text = handle.read(_GITIGNORE_MAX).decode("utf-8", errors="replace")
        except OSError as exc:
            self.diag(f"{rel}/.gitattributes" if rel else ".gitattributes", "unreadable", f"cannot use it: {exc}")
            return None
        attributes = fileclass.Attributes.parse(rel, text)
        if attributes is not None and attributes.dropped:
            where = f"{rel}/.gitattributes" if rel else ".gitattributes"
            limit = fileclass.MAX_ATTRIBUTE_LINES
            self.diag(where, "too_many_rules", f"only the first {limit} linguist attributes used "
                                               f"({attributes.dropped} more left out)")  # fmt: skip
        return attributes

    def _read_gitignore(self, path: str, rel: str, ignores: tuple[IgnoreFile, ...]) -> tuple[IgnoreFile, ...]:
        self._watch(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read(_GITIGNORE_MAX)
            lines = raw.decode("utf-8", errors="replace").splitlines()
            return (*ignores, IgnoreFile(rel, lines))
        except (OSError, ValueError) as exc:
            self.diag(f"{rel}/.gitignore" if rel else ".gitignore", "unreadable", f"cannot use .gitignore: {exc}")
            return ignores

    def _add_file(
        self,
        os_path: str,
        rel: str,
        name: str,
        info: os.stat_result | None,
        in_artifacts: bool,
        folder: fileclass.Folder,
    ) -> None:
        try:
            info = info or os.stat(os_path, follow_symlinks=False)
        except OSError as exc:
            self.diag(rel, "unreadable", f"cannot stat: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(info.st_mode):
            self.diag(rel, "not_regular", "not a regular file (FIFO, socket or device): not read")
            return
        key = (info.st_dev, info.st_ino)
        if key in self.seen:
            return  # the same file reached twice (a link inside the tree, or a hard link)
        self.seen.add(key)
        parent = rel.rpartition("/")[0]
        kind = classify(name, parent)
        if in_artifacts and kind not in ARTIFACT_KEEP:
            kind = "binary"
        shown = display_path(rel)
        if shown != rel:
            self.diag(rel, "odd_name", "file name has non-UTF-8 bytes or control characters; shown escaped")
        self.result.stats[shown] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
        decision = fileclass.classify_file(shown, name, kind, folder)
        if self.overrides is not None:
            decision = self.overrides.apply(shown, decision)
        if decision is not None:
            self.result.classes[shown] = decision
        self.result.files.append(
            IndexedFile(
                path=shown,
                kind=kind,
                size=info.st_size,
                os_path=os_path,
                too_large=info.st_size > (self.limits.get(kind) or self._limit(kind)),
            )
        )

    def _limit(self, kind: str) -> int:
        limit = self.limits[kind] = size_limit(kind, self.max_size)
        return limit

    def follow_links(self) -> None:
        """Symlinks last, so a link to a place already walked adds nothing."""
        root_real = os.path.realpath(self.root)
        while self.links:
            batch, self.links = self.links, []
            for os_path, rel, depth, ignores, folder in sorted(batch, key=lambda item: item[1]):
                self._follow(os_path, rel, depth, ignores, root_real, folder)

    def _follow(
        self,
        os_path: str,
        rel: str,
        depth: int,
        ignores: tuple[IgnoreFile, ...],
        root_real: str,
        folder: fileclass.Folder,
    ) -> None:
        name = rel.rpartition("/")[2]
        try:
            real = os.path.realpath(os_path)
            info = os.stat(real)
        except (OSError, RuntimeError):
            self.diag(rel, "broken_symlink", "symlink whose target does not exist (or loops): skipped")
            return
        if real != root_real and not real.startswith(root_real + os.sep):
            self.diag(rel, "symlink_outside", "symlink points outside the scanned tree: not followed")
            return
        link_parent = os.path.realpath(os.path.dirname(os_path))
        if stat.S_ISDIR(info.st_mode):
            if link_parent == real or link_parent.startswith(real + os.sep):
                self.diag(rel, "symlink_loop", "symlink points at one of its own parent directories: not followed")
                return
            if (info.st_dev, info.st_ino) in self.seen or is_ignored(ignores, rel, name, is_dir=True):
                return
            if self.excluded(rel, name, is_dir=True):
                return
            if name in SKIP_DIRS or depth > MAX_DEPTH or (name in BUILD_DIRS and is_build_output(real)):
                return
            self.seen.add((info.st_dev, info.st_ino))
            self.walk_dir(real, rel, depth, ignores, folder)
        elif not self._skip_file(ignores, rel, name):
            self._add_file(real, rel, name, info, rel.split("/", 1)[0] in ARTIFACT_ROOTS, folder)


def walk(
    root: str | os.PathLike[str],
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_files: int = MAX_FILES,
    exclude: Sequence[str] = (),
    project: Sequence[str] = (),
    vendored: Sequence[str] = (),
) -> WalkResult:
    """Index the tree under `root` (which must be a directory). Paths are relative, POSIX.
    `exclude`: gitignore-style patterns relative to `root` of what not to walk; `project`
    and `vendored`: of files forced into that class (ValueError for one that is not a pattern)."""
    top = os.fspath(root)
    overrides = fileclass.Overrides(project=project, vendored=vendored)
    walker = _Walker(
        root=top,
        max_size=max_size,
        max_files=max_files,
        exclude=exclude_rules(exclude),
        overrides=overrides if overrides else None,
    )
    try:
        info = os.stat(top)
        walker.seen.add((info.st_dev, info.st_ino))
    except OSError as exc:
        walker.diag(".", "unreadable", f"cannot read the project directory: {exc.strerror or exc}")
        return walker.result
    git_exclude = os.path.join(top, ".git", "info", "exclude")
    walker._watch(git_exclude)  # also when there is none: one appearing changes the walk
    ignores: tuple[IgnoreFile, ...] = ()
    if os.path.isfile(git_exclude):
        ignores = walker._read_gitignore(git_exclude, "", ())
    walker.shapes = Shapes(top, walker._watch, submodules(top, walker._watch))
    walker.walk_dir(top, "", 0, ignores, fileclass.ROOT)
    if len(walker.result.files) < max_files:
        walker.follow_links()
    walker.result.files.sort(key=lambda f: f.path)
    return walker.result


def iter_paths(result: WalkResult, *, kinds: frozenset[str] | set[str]) -> Iterator[IndexedFile]:
    """The indexed files of some kinds that are small enough to read."""
    return (f for f in result.files if f.kind in kinds and not f.too_large)
