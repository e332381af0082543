"""Data fetched at run time: code that downloads a dataset when it runs (Kaggle's API, a URL
written to a file, Google Drive, Keras' get_file), and whether it checks what arrived.

A download names a source, not a version: the same call returns whatever the source holds
that day. It records each one as a fact for the project rule
`python_code.unversioned_downloads`, which decides whether the project versions its data some
other way (DVC, git LFS). A download whose content the module checks against a recorded hash
(hashlib, a helper named for a digest such as `compute_sha256`, Keras' file_hash,
torchvision's md5) is fixed to one version: it supports dataset versioning.
"""

from __future__ import annotations

import ast
import re

from mllens.scan.code.analysis import CodeIndex
from mllens.scan.context import FileContext

# Kaggle's API object is usually a parameter or an attribute (`api.dataset_download_files`),
# and `download_url` a helper of the project's (or torchvision's): found by name, resolved or not
BY_NAME = ("dataset_download_files", "dataset_download_file", "competition_download_files",
          "competition_download_file", "download_url")  # fmt: skip
DOWNLOADS = (
    "urllib.request.urlretrieve",
    "gdown.download",
    "gdown.download_folder",
    "wget.download",
    "*keras.utils.get_file",
    "*keras.utils.data_utils.get_file",
)
# a module that hashes what it fetched and compares it checks the version it got
_VERIFY = ("hashlib.sha256", "hashlib.sha1", "hashlib.md5", "hashlib.sha512", "hashlib.new", "hashlib.file_digest")
_HASH_KW = ("file_hash", "md5_hash", "md5", "sha256")
# a project's own digest helper (`util.compute_sha256(path)`, `md5sum(path)`)
_DIGEST = re.compile(r"sha\d+|md5|checksum|digest", re.IGNORECASE)
_DIGEST_VALUE = re.compile(r"sha\d*|md5|checksum|digest|hash", re.IGNORECASE)


def _compares_digest(tree: object) -> bool:
    """A module that compares a digest with another (`if sha256 != metadata["sha256"]`):
    computing a hash without comparing it checks nothing. Notebooks are not read for it."""
    if not isinstance(tree, ast.Module):
        return False
    return any(isinstance(n, ast.Compare) and _DIGEST_VALUE.search(ast.unparse(n)) for n in ast.walk(tree))


def dataset_downloads(ctx: FileContext, code: CodeIndex) -> None:
    sites = [*code.calls_ending(*BY_NAME), *code.find(*DOWNLOADS)]
    if not sites:
        return
    hashes = code.first(*_VERIFY) is not None or any(_DIGEST.search(c.last) for c in code.calls)
    verified = hashes and _compares_digest(ctx.file.data)
    for site in sorted(sites, key=lambda s: s.line):
        checked = verified or site.has_kw(*_HASH_KW)
        ctx.fact("data_download", {"file": ctx.file.path, "line": site.line, "call": site.name,
                                   "verified": checked})  # fmt: skip
        if checked:
            ctx.supports(line=site.line, message=f"downloads data and checks it against a recorded hash, so the "
                                                 f"dataset is pinned to one version: {site.name}{site.where}")
        else:
            ctx.info(line=site.line, message=f"downloads data when it runs, with no version or checksum recorded: "
                                             f"{site.name}{site.where}")
