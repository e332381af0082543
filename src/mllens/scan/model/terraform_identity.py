"""Terraform into the resource model: IAM policies, roles, attachments, bucket policies,
policy documents and project role bindings (`kinds_platform.IdentityPolicy`), provider
default tags, and sensitive-data discovery jobs.

A policy may be written as an `aws_iam_policy_document` data block, `jsonencode({...})`,
heredoc JSON or a JSON string; a policy taken from a reference (`data.x.json`, `file()`)
has no statements here (the document block, where it is in the project, is read itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from mllens.scan.detectors._iac import listify
from mllens.scan.detectors._tf import action_line, decode_policy
from mllens.scan.model.attributes_read import read
from mllens.scan.model.identity import Locate, decoded_statements, statement, trusted_services
from mllens.scan.model.kinds import Resource
from mllens.scan.model.kinds_platform import DataDiscoveryJob, IdentityPolicy, PolicyUse, Statement, TagDefaults
from mllens.scan.model.terraform_platform import plain
from mllens.scan.model.terraform_read import Reader
from mllens.scan.model.values import Value


def _locate(r: Reader) -> Locate:
    return lambda action, start: action_line(r.source, r.block, start, action)


def _inline(r: Reader) -> Iterator[Statement]:
    """Statements of the block's `policy` and of its `inline_policy` blocks (trust policies,
    assume_role_policy, say who may assume a role, not what it may do: not read)."""
    for holder in [r.block.node, *r.block.node.children("inline_policy")]:
        if not holder.has("policy"):
            continue
        doc = decode_policy(holder.get("policy"))
        if doc is not None:
            yield from decoded_statements(doc, holder.line_of("policy"), r.file, locate=_locate(r))


def _trust(r: Reader) -> tuple[Value, ...]:
    """The services a role's assume_role_policy trusts (jsonencode, heredoc or string JSON)."""
    doc = decode_policy(r.block.node.get("assume_role_policy")) if r.block.node.has("assume_role_policy") else None
    if doc is None:
        return ()
    lines = r.source.memo("text.lines", lambda f: f.text.split("\n"))

    def locate(service: str, start: int) -> int:  # the service's own line in the block
        quoted = f'"{service}"'
        return next((n for n in range(start, min(r.block.end, len(lines)) + 1) if quoted in lines[n - 1]), start)

    return trusted_services(doc, r.block.node.line_of("assume_role_policy"), r.file, locate=locate)


def _policy(use: PolicyUse) -> Callable[[Reader], Resource]:
    def build(r: Reader) -> Resource:
        managed = [r.at(k) for k in ("managed_policy_arns", "policy_arn") if r.block.node.has(k)]
        arns = tuple(Value(arn, v.file, v.line, v.name) for v in managed for arn in listify(v.raw))
        return IdentityPolicy(**r.base(), **read(r, IdentityPolicy), use=use, statements=tuple(_inline(r)),
                              managed_policies=arns, trusted_services=_trust(r) if r.rtype == "aws_iam_role" else ())

    return build


def _document(r: Reader) -> Resource:
    locate = _locate(r)
    return IdentityPolicy(**r.base(), **read(r, IdentityPolicy), use="document", statements=tuple(
        statement(node, r.file, locate=locate) for node in r.block.node.children("statement")))


def _provider(r: Reader) -> Resource | None:
    attr = {"aws": "default_tags", "google": "default_labels"}.get(r.block.type)
    if attr is None or not r.block.node.has(attr):
        return None
    return TagDefaults(**r.base(), tags=r.block_value(r.block.node, attr), applies_to=r.block.type)


IDENTITY: dict[str, Callable[[Reader], Resource]] = {
    **dict.fromkeys(("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy",
                     "aws_iam_role", "aws_iam_role_policy_attachment"), _policy("identity")),
    "aws_s3_bucket_policy": _policy("resource"),
    **dict.fromkeys(("google_project_iam_member", "google_project_iam_binding", "azurerm_role_assignment"),
                    plain(IdentityPolicy)),
    **dict.fromkeys(("aws_macie2_classification_job", "google_data_loss_prevention_job_trigger",
                     "google_data_loss_prevention_discovery_config"), plain(DataDiscoveryJob)),
}


def other_block(r: Reader) -> Resource | None:
    """A data source or provider block the model reads (policy documents, default tags)."""
    if r.block.kind == "data" and r.block.type == "aws_iam_policy_document":
        return _document(r)
    if r.block.kind == "provider":
        return _provider(r)
    return None
