"""Buckets whose settings are separate resources (S3 in Terraform): a bucket that no
encryption or versioning resource names, in any file of its module, is judged on the
service's defaults once every file has been read."""

from __future__ import annotations

import posixpath
import re
from typing import Literal

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.model.kinds import DataStore
from mllens.scan.registry import rule

Setting = Literal["encryption", "versioning"]
_BUCKET_REF = re.compile(r"\b((?:aws_s3_bucket|azurerm_storage_account)\.[A-Za-z0-9_-]+)\b")


def record_bucket(ctx: FileContext, store: DataStore, setting: Setting) -> None:
    """Facts for bare_buckets: a bucket without `setting` in its own block, or a resource
    that sets `setting` for a bucket (the bucket it names; "" when a name or variable
    cannot be followed, which covers every bucket of its module)."""
    folder = posixpath.dirname(ctx.file.path)
    if store.settings_apart:
        if setting == "versioning" and store.versioning is not None and store.versioning.unset_confidence is not None:
            return  # its own switch already judges an unset value (Azure Storage versioning)
        inline = store.encryption.default if setting == "encryption" and store.encryption else (
            store.versioning.value if setting == "versioning" and store.versioning else None)
        if inline is None or not inline.written:
            meaning = store.encryption.unset_meaning if store.encryption else ""
            ctx.fact("platform_resources.bucket", {"dir": folder, "address": store.address, "file": ctx.file.path,
                                                   "line": store.line, "setting": setting, "meaning": meaning})
    elif store.configures is not None and (store.encryption if setting == "encryption" else store.versioning):
        found = _BUCKET_REF.search(str(store.configures.raw)) if store.configures.kind == "reference" else None
        ctx.fact("platform_resources.bucket_setting",
                 {"dir": folder, "bucket": found.group(1) if found else "", "setting": setting})


_CHECKS = {"encryption": "storage_encrypted_cmk", "versioning": "storage_versioning"}
_GAPS = {"encryption": "has no customer-managed key: no encryption setting names it, so {meaning}",
         "versioning": "keeps no object versions: no versioning setting names it"}


@rule(scope="project")
def bare_buckets(ctx: ProjectContext) -> None:
    covered: dict[tuple[str, str], set[str]] = {}
    for item in ctx.facts_of("platform_resources.bucket_setting"):
        covered.setdefault((item["dir"], item["setting"]), set()).add(item["bucket"])
    for bucket in ctx.facts_of("platform_resources.bucket"):
        names = covered.get((bucket["dir"], bucket["setting"]), set())
        if "" in names or bucket["address"] in names:
            continue
        ctx.contradicts(file=bucket["file"], line=bucket["line"], check=_CHECKS[bucket["setting"]], confidence=0.6,
                        message=f"{bucket['address']} " + _GAPS[bucket["setting"]].format(
                            meaning=bucket.get("meaning") or "the provider's own keys are used"))
