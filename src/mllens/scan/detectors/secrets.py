"""Credentials written into code, notebooks (cell outputs included) and configuration files.

Every file is searched once (see `_secret_patterns.find_secrets`); each rule reports the
findings of its own kind. Messages name the kind of secret and a fingerprint (first
characters and length), never the value. Secrets in tests, fixtures, examples and docs are
reported with half the confidence: they are usually fake, but not always.
"""

from __future__ import annotations

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.detectors._secret_patterns import testy_path
from mllens.scan.detectors._secret_scan import Finding, find_secrets
from mllens.scan.parse.notebook import Notebook
from mllens.scan.registry import rule

SCANNED_KINDS = frozenset({"python", "notebook", "yaml", "json", "toml", "text", "other", "requirements"})


def _findings(ctx: FileContext) -> list[Finding]:
    return ctx.file.memo("secrets.findings", lambda f: find_secrets(f.text, kind=f.kind))


def _where(ctx: FileContext, line: int) -> str:
    if ctx.file.kind != "notebook":
        return ""  # (and a Python module's tree is not wanted: it may not even parse)
    data = ctx.file.data
    if not isinstance(data, Notebook):
        return ""
    for cell in data.cells:
        if line in cell.lines:
            return f" in cell {cell.number}"
    return " in a cell output or the notebook metadata"


def _report(ctx: FileContext, kinds: tuple[str, ...], *, alone: float | None = None) -> None:
    for finding in _findings(ctx):
        if finding.kind not in kinds:
            continue
        confidence = ctx.rule.meta.confidence * finding.factor
        if alone is not None and "nearby" not in finding.label:
            confidence = alone
        note = ""
        if testy_path(ctx.file.path):
            confidence, note = round(confidence / 2, 2), " (in a test, example or docs path: may be a fake)"
        ctx.fact("secret_found", {"file": ctx.file.path, "line": finding.line, "kind": finding.kind})
        ctx.contradicts(line=finding.line, confidence=round(confidence, 2),
                        message=f"{finding.label}{_where(ctx, finding.line)}: {finding.fingerprint()}{note}")


@rule()
def aws_access_key(ctx: FileContext) -> None:
    """AWS access key ids (AKIA/ASIA), with or without their 40-character secret nearby."""
    _report(ctx, ("aws",), alone=0.5)


@rule()
def gcp_service_account_key(ctx: FileContext) -> None:
    """A GCP service-account key: a private_key PEM next to a client_email."""
    _report(ctx, ("gcp",))


@rule()
def azure_storage_key(ctx: FileContext) -> None:
    """Azure storage account keys in connection strings, and SAS tokens."""
    _report(ctx, ("azure",))


@rule()
def git_host_token(ctx: FileContext) -> None:
    """GitHub (ghp_, gho_, ghs_, github_pat_ ...) and GitLab (glpat-) tokens."""
    _report(ctx, ("git_token",))


@rule()
def slack_token(ctx: FileContext) -> None:
    """Slack API tokens (xoxb-, xoxp- ...) and incoming-webhook URLs."""
    _report(ctx, ("slack",))


@rule()
def ml_service_token(ctx: FileContext) -> None:
    """Hugging Face (hf_) and OpenAI (sk-...) API tokens."""
    _report(ctx, ("ml_token",))


@rule()
def private_key(ctx: FileContext) -> None:
    """PEM private key blocks with a key body."""
    _report(ctx, ("private_key",))


@rule()
def generic_secret(ctx: FileContext) -> None:
    """Random-looking literals assigned to password/secret/token/api_key names, and
    passwords inside connection URLs."""
    _report(ctx, ("generic",))


@rule(scope="project")
def none_found(ctx: ProjectContext) -> None:
    """No secret found in any code, notebook or configuration file."""
    if any(True for _ in ctx.facts_of("secret_found")):
        return
    scanned = [f for f in ctx.index.files if f.kind in SCANNED_KINDS and not f.too_large]
    if not any(f.kind in ("python", "notebook") for f in scanned):
        return
    ctx.supports(file=".", line=None,
                 message=f"no credential pattern found in {len(scanned)} code, notebook and configuration files")
