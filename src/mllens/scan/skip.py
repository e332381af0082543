"""What the walker never enters: VCS data, virtualenvs, caches, vendored and installed
packages (by folder name), packaging output; and which kinds it keeps from MLflow artifact
stores."""

from __future__ import annotations

import os

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "node_modules",
        "__pycache__",
        "site-packages",
        "dist-packages",
        ".venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
        ".terraform",
        ".aws-sam",
        ".eggs",
        ".cache",
        ".hypothesis",
        "vendor",
        "vendors",
        "third_party",
        "third-party",
        "thirdparty",
        "_vendor",
        "__pypackages__",
        ".pixi",
    }
)
SKIP_PATHS = frozenset({".dvc/cache", ".dvc/tmp"})
ARTIFACT_ROOTS = frozenset({"mlruns", "mlartifacts"})
ARTIFACT_KEEP = frozenset({"yaml", "json", "text", "requirements", "toml", "markdown", "python"})
BUILD_DIRS = frozenset({"build", "dist"})
_OUTPUT_MARKS = ("lib", "bdist.", "temp.", "scripts-", ".whl", ".tar.gz", ".egg")


def is_build_output(path: str) -> bool:
    """`build/` and `dist/` hold packaging output (lib/, bdist.*, wheels) in most projects,
    but some keep CI and deploy scripts in a folder called build: scan those."""
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return any(n.startswith(_OUTPUT_MARKS[:4]) or n.endswith(_OUTPUT_MARKS[4:]) for n in names)


def is_virtualenv(path: str, names: set[str]) -> bool:
    if "pyvenv.cfg" in names or "conda-meta" in names:
        return True
    return os.path.isfile(os.path.join(path, "bin", "activate")) or os.path.isfile(
        os.path.join(path, "Scripts", "activate")
    )
