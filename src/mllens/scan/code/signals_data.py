"""Data fetched at run time: code that downloads a dataset when it runs (Kaggle's API, a URL
written to a file, Google Drive, Keras' get_file), and whether it checks what arrived.

A download names a source, not a version: the same call returns whatever the source holds
that day. It records each one as a fact for the project rule
`python_code.unversioned_downloads`, which decides whether the project versions its data some
other way (DVC, git LFS); a download whose content the module checks against a recorded hash
(hashlib, Keras' file_hash) is fixed to one version and is not counted.
"""

from __future__ import annotations

from mllens.scan.code.analysis import CodeIndex
from mllens.scan.context import FileContext

# Kaggle's API object is usually a parameter or an attribute (`api.dataset_download_files`),
# so its calls are found by their own rare names, resolved or not
KAGGLE = ("dataset_download_files", "dataset_download_file", "competition_download_files",
          "competition_download_file")  # fmt: skip
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
_HASH_KW = ("file_hash", "md5_hash")


def dataset_downloads(ctx: FileContext, code: CodeIndex) -> None:
    sites = [*code.calls_ending(*KAGGLE), *code.find(*DOWNLOADS)]
    if not sites:
        return
    verified = code.first(*_VERIFY) is not None
    for site in sorted(sites, key=lambda s: s.line):
        checked = verified or site.has_kw(*_HASH_KW)
        ctx.fact("data_download", {"file": ctx.file.path, "line": site.line, "call": site.name,
                                   "verified": checked})  # fmt: skip
        how = "checked against a recorded hash" if checked else "with no version or checksum recorded"
        ctx.info(line=site.line, message=f"downloads data when it runs, {how}: {site.name}{site.where}")
