"""File kinds: what the walker calls each file, decided from its name alone.

A kind says which safe parser reads the file (see `mllens.scan.parse`) and which detector
families are handed it (each family lists the kinds it reads). Kinds in NEVER_READ are
indexed with their size but never opened: data, model weights and other binaries.
"""

from __future__ import annotations

import fnmatch
import re

KINDS: frozenset[str] = frozenset(
    {
        "python",  # *.py: ast.Module
        "notebook",  # *.ipynb: Notebook (cells, never executed)
        "yaml",  # *.yaml, *.yml, MLmodel, dvc.lock, *.dvc, *.template: list of documents
        "json",  # *.json: the decoded value
        "toml",  # *.toml, Pipfile, poetry.lock, uv.lock: dict
        "requirements",  # requirements*.txt, constraints*.txt, *.in under requirements/: list of lines
        "dockerfile",  # Dockerfile*, *.dockerfile, Containerfile: list of instructions
        "terraform",  # *.tf, *.tfvars, *.hcl: dict with line metadata (tree-sitter-hcl)
        "bicep",  # *.bicep, *.bicepparam: plain text (no stock parser)
        "markdown",  # *.md, *.markdown, *.rst: plain text
        "codeowners",  # CODEOWNERS: plain text
        "text",  # other known text formats (shell, ini, cfg, Makefile, Jenkinsfile, ...): plain text
        "other",  # unknown extension: plain text when some family reads it
        "data",  # datasets (csv, parquet, ...): size only
        "model",  # model weights and serialised objects (pkl, pt, onnx, ...): size only
        "binary",  # images, archives, compiled code: size only
    }
)

# Kinds whose content no parser reads: the index keeps their size (for rules such as "large
# data committed to git") and nothing opens them.
NEVER_READ: frozenset[str] = frozenset({"data", "model", "binary"})

_BY_NAME: dict[str, str] = {
    "mlmodel": "yaml",
    "mlproject": "yaml",  # MLflow project file (YAML without an extension)
    "pdm.lock": "toml",
    "dvc.lock": "yaml",
    "pipfile": "toml",
    "poetry.lock": "toml",
    "uv.lock": "toml",
    "pipfile.lock": "json",
    "codeowners": "codeowners",
    "containerfile": "dockerfile",
    "makefile": "text",
    "jenkinsfile": "text",
    "procfile": "text",
    ".gitignore": "text",
    ".dockerignore": "text",
    ".gitattributes": "text",
    ".env": "text",
}

_BY_EXT: dict[str, str] = {}
for _kind, _exts in {
    "python": "py pyw pyi",
    "notebook": "ipynb",
    "yaml": "yaml yml dvc template cff",
    "json": "json",
    "toml": "toml",
    "dockerfile": "dockerfile",
    "terraform": "tf tfvars hcl",
    "bicep": "bicep bicepparam",
    "markdown": "md markdown rst",
    "text": "txt cfg ini conf properties sh bash zsh ps1 bat env sql r groovy scala java js ts go "
    "cs rb rs proto graphql mk cmake gradle",
    "data": "csv tsv parquet feather arrow avro orc npy npz h5 hdf5 tfrecord tfrecords jsonl ndjson "
    "xlsx xls db sqlite sqlite3 petastorm lance delta",
    "model": "pkl pickle joblib pt pth ckpt onnx safetensors pb tflite keras gguf ggml mar mlmodel params engine plan",
    "binary": "png jpg jpeg gif bmp tiff webp ico svgz pdf zip gz tgz bz2 xz zst 7z tar rar whl egg "
    "so dylib dll exe o a pyc pyo class jar war mp3 wav flac ogg mp4 mov avi mkv woff woff2 ttf otf "
    "eot bin dat idx wasm",
}.items():
    for _ext in _exts.split():
        _BY_EXT[_ext] = _kind


def classify(name: str, parent: str = "") -> str:
    """The kind of a file from its base name and its parent directory (relative, POSIX)."""
    lower = name.lower()
    if lower in _BY_NAME:
        return _BY_NAME[lower]
    if lower.startswith(("dockerfile", "containerfile")):
        return "dockerfile"
    if lower.endswith(".txt") and (
        fnmatch.fnmatchcase(lower, "requirements*.txt")
        or fnmatch.fnmatchcase(lower, "constraints*.txt")
        or parent.rsplit("/", 1)[-1].lower() == "requirements"
    ):
        return "requirements"
    if lower.endswith(".in") and (lower.startswith("requirements") or parent.endswith("requirements")):
        return "requirements"
    _, dot, ext = lower.rpartition(".")
    if not dot:
        return "other"
    return _BY_EXT.get(ext, "other")


# Where tests live, by the names pytest and unittest collect and the folders projects use;
# the file classifier (scan/classify.py) reads the same names folder by folder.
TEST_DIRS = frozenset({"test", "tests", "testing"})
TEST_NAME_PREFIX = "test_"
TEST_NAME_SUFFIXES = ("_test.py", "tests.py", "conftest.py")
TEST_PATTERNS = (
    f"{TEST_NAME_PREFIX}*.py", f"*/{TEST_NAME_PREFIX}*.py",
    *(f"*{suffix}" for suffix in TEST_NAME_SUFFIXES),
    *(p for d in sorted(TEST_DIRS) for p in (f"{d}/*", f"*/{d}/*")),
)  # fmt: skip
# one regex for all the patterns: project rules ask it of every path of big trees
_TEST_PATH = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in TEST_PATTERNS))


def is_test_path(path: str) -> bool:
    """A test module or a file under a test folder (POSIX path relative to the project)."""
    return _TEST_PATH.match(path) is not None
