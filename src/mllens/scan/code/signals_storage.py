"""Objects and buckets a module writes through a cloud SDK: whether what it stores is encrypted
with a key the team controls.

boto3 takes the encryption of each object write as arguments (`ServerSideEncryption`,
`SSEKMSKeyId`, or the same in an upload's `ExtraArgs`); a bucket it creates is encrypted with
the bucket's own setting, and open to public policies unless a public-access block is put
on it, both separate calls.
"""

from __future__ import annotations

from typing import Any

from mllens.scan.code.analysis import CodeIndex, Site
from mllens.scan.context import FileContext

_SSE_KEYS = ("ServerSideEncryption", "SSEKMSKeyId")
_BUCKET_SETTINGS = ("put_bucket_encryption", "put_public_access_block")


def _kms(site: Site) -> bool | None:
    """Whether an object write asks for a KMS key (True), for S3's own keys (False), or says
    nothing (None)."""
    given: Any = {key: site.value(key) for key in _SSE_KEYS if site.kw(key) is not None}
    extra = site.value("ExtraArgs", default=None)
    if isinstance(extra, dict):
        given.update({k: v for k, v in extra.items() if k in _SSE_KEYS})
    if not given:
        return None
    return "SSEKMSKeyId" in given or str(given.get("ServerSideEncryption", "")).startswith("aws:kms")


def storage_encryption(ctx: FileContext, code: CodeIndex) -> None:
    for site in code.calls_with_kw(*_SSE_KEYS, "ExtraArgs"):
        if _kms(site):
            ctx.supports(line=site.line, message=f"writes objects encrypted with a KMS key ({site.last}){site.where}")
            break
    created = [s for s in code.calls_ending("create_bucket") if s.has_kw("Bucket")]
    if created and not code.calls_ending(*_BUCKET_SETTINGS):
        site = created[0]
        ctx.contradicts(line=site.line, confidence=0.6,
                        message=f"creates a bucket ({site.name}) and puts no encryption setting or public-access "
                                f"block on it{site.where}")
