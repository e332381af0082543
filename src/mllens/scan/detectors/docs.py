"""Documents that show ownership and operating knowledge: model cards, dataset datasheets,
CODEOWNERS, runbooks and decision or lessons-learned records.

A document counts only when it has real content: at least MIN_WORDS words of prose once
headings, front matter, comments and template placeholders are taken out, so an empty
template copied into the repository is not evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mllens.scan.context import FileContext, ParsedFile, ProjectContext
from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.yaml import YamlMap, parse_yaml_documents
from mllens.scan.registry import rule

MIN_WORDS = 40
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_PLACEHOLDER = re.compile(
    r"\[More Information Needed\]|\[(?:describe|add|insert|your|todo|tbd)[^\]]*\]|\{\{.*?\}\}|<!--.*?-->|"
    r"\b(?:TODO|TBD|FIXME|lorem ipsum)\b[^\n]*",
    re.IGNORECASE | re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_HF_MODEL_KEYS = ("model-index", "pipeline_tag", "library_name", "base_model")
_HF_DATASET_KEYS = ("dataset_info", "task_categories", "size_categories", "source_datasets", "configs")
_CODEOWNERS_PLACES = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
_OWNER = re.compile(r"(?:^|\s)(@[\w.\-/]+|[\w.+\-]+@[\w\-]+\.[\w.\-]+)")


@dataclass(frozen=True)
class Doc:
    words: int  # words of prose: headings, tables rules, comments and placeholders left out
    body: str  # the text in lower case with headings, placeholders removed (to look for topics)
    front: YamlMap | None


def _read(ctx: FileContext) -> Doc:
    def build(file: ParsedFile) -> Doc:
        text = file.text
        front: YamlMap | None = None
        found = _FRONT.match(text)
        if found:
            try:
                docs = parse_yaml_documents(found.group(1))
            except ParseError:
                docs = []
            front = docs[0] if docs and isinstance(docs[0], YamlMap) else None
            text = text[found.end():]
        text = _PLACEHOLDER.sub(" ", text)
        prose = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("#", "|-", "| -", "---", "==="))]
        return Doc(words=len(_WORD.findall("\n".join(prose))), body=text.lower(), front=front)

    return ctx.file.memo("docs.prose", build)


def _name(path: str) -> str:
    return path.rpartition("/")[2].lower()


def _folders(path: str) -> list[str]:
    return [p.lower() for p in path.split("/")[:-1]]


def _stem_matches(path: str, *prefixes: str) -> bool:
    stem = _name(path).rsplit(".", 1)[0].replace("-", "_").replace(" ", "_")
    return any(stem.startswith(p) or stem.endswith("_" + p) for p in prefixes)


def _topics(body: str, topics: dict[str, str]) -> list[str]:
    return [name for name, pattern in topics.items() if re.search(pattern, body)]


def _hub_card(ctx: FileContext, doc: Doc, keys: tuple[str, ...]) -> bool:
    """A README whose front matter is Hugging Face Hub card metadata with one of `keys`."""
    return _name(ctx.file.path) == "readme.md" and doc.front is not None and any(k in doc.front for k in keys)


def _too_thin(ctx: FileContext, doc: Doc, what: str) -> bool:
    if doc.words >= MIN_WORDS:
        return False
    ctx.info(line=1, message=f"{what} has only {doc.words} words of content (a template?): not counted")
    return True


_CARD_TOPICS = {
    "intended use": r"intended|use case|out[- ]of[- ]scope|primary use",
    "limitations": r"limitation|caveat|risk|known issue|failure",
    "fairness": r"fairness|bias|ethic|demographic|subgroup",
    "evaluation": r"evaluat|metric|accuracy|precision|recall|auc|f1",
}


@rule()
def model_card(ctx: FileContext) -> None:
    """A model card: named so, or a Hugging Face README with model metadata."""
    if ctx.file.kind != "markdown":
        return
    named = _stem_matches(ctx.file.path, "model_card", "modelcard") or "model_cards" in _folders(ctx.file.path)
    doc = _read(ctx) if named or ctx.file.text.startswith("---") else None
    if doc is None:
        return
    hub = _hub_card(ctx, doc, _HF_MODEL_KEYS)
    if not (named or hub) or _too_thin(ctx, doc, "model card"):
        return
    topics = _topics(doc.body, _CARD_TOPICS)
    kind = "Hugging Face model card" if hub and not named else "model card"
    covered = f"covers {', '.join(topics)}" if topics else "names none of intended use, limitations, fairness"
    ctx.supports(line=1, confidence=0.85 if len(topics) >= 2 else 0.6, message=f"{kind} ({doc.words} words) {covered}")


_SHEET_TOPICS = {
    "source": r"source|collected|provenance|origin",
    "owner": r"owner|maintain|contact|steward",
    "terms": r"licen[cs]e|terms of use|consent|permission|usage rights",
}


@rule()
def dataset_datasheet(ctx: FileContext) -> None:
    """A datasheet or dataset card: named so, or a Hugging Face dataset README."""
    if ctx.file.kind != "markdown":
        return
    named = _stem_matches(ctx.file.path, "datasheet", "data_card", "dataset_card", "data_sheet") or any(
        f in ("datasheets", "data_cards", "dataset_cards") for f in _folders(ctx.file.path)
    )
    data_readme = _name(ctx.file.path) == "readme.md" and any(f in ("data", "datasets", "dataset") for f in
                                                             _folders(ctx.file.path)[-1:])
    if not (named or data_readme or ctx.file.text.startswith("---")):
        return
    doc = _read(ctx)
    hub = _hub_card(ctx, doc, _HF_DATASET_KEYS)
    topics = _topics(doc.body, _SHEET_TOPICS)
    if data_readme and not (named or hub) and len(topics) < 2:
        return  # a data folder's README that is not about provenance and terms
    if not (named or hub or data_readme) or _too_thin(ctx, doc, "datasheet"):
        return
    confidence = 0.8 if len(topics) >= 2 else 0.55
    shown = ", ".join(topics) if topics else "none of source, owner, terms of use"
    ctx.supports(line=1, confidence=confidence if (named or hub) else 0.6,
                 message=f"dataset documentation ({doc.words} words) records {shown}")


@rule()
def codeowners(ctx: FileContext) -> None:
    """A CODEOWNERS file in a place GitHub or GitLab reads, with rules naming owners."""
    if ctx.file.kind != "codeowners" or not any(ctx.file.path == p for p in _CODEOWNERS_PLACES):
        return
    rules: list[int] = []
    for number, text in enumerate(ctx.file.text.splitlines(), start=1):
        line = text.split("#", 1)[0].strip()
        if line and not line.startswith("[") and _OWNER.search(line):
            rules.append(number)
    if rules:
        ctx.supports(line=rules[0], message=f"CODEOWNERS assigns owners in {len(rules)} rule(s)")
    else:
        ctx.contradicts(line=1, confidence=0.6, message="CODEOWNERS has no rule that names an owner")


@rule(scope="project")
def codeowners_missing(ctx: ProjectContext) -> None:
    """No CODEOWNERS file where GitHub or GitLab would read it."""
    if not ctx.index.files or any(ctx.index.exists(p) for p in _CODEOWNERS_PLACES):
        return
    # information, not a gap: ownership may be recorded elsewhere (mllens.yaml, the platform's settings)
    ctx.info(file=".", line=None, message="no CODEOWNERS file (looked in the root, .github/, docs/ and .gitlab/)")


_RUNBOOK_TOPICS = r"incident|alert|rollback|roll back|escalat|on-call|oncall|on call|mitigat|restore|outage|page"


@rule()
def runbook(ctx: FileContext) -> None:
    """A runbook or playbook for operating the model and its endpoint."""
    if ctx.file.kind != "markdown":
        return
    folders = _folders(ctx.file.path)
    named = _stem_matches(ctx.file.path, "runbook", "playbook", "oncall", "on_call") or any(
        f in ("runbooks", "runbook", "playbooks") for f in folders
    )
    if not named or "template" in _name(ctx.file.path):
        return
    doc = _read(ctx)
    if _too_thin(ctx, doc, "runbook"):
        return
    operational = re.search(_RUNBOOK_TOPICS, doc.body) is not None
    ctx.supports(line=1, confidence=0.8 if operational else 0.55,
                 message=f"runbook ({doc.words} words)" + (" covers incident response" if operational else ""))


_DECISION_DIRS = ("adr", "adrs", "decisions", "decision-records", "decision_records", "postmortems", "post-mortems",
                  "retrospectives", "lessons")


@rule()
def lessons_log(ctx: FileContext) -> None:
    """Architecture decision records, post-mortems, lessons-learned or experiment journals."""
    if ctx.file.kind != "markdown":
        return
    name = _name(ctx.file.path)
    if "template" in name or name in ("readme.md", "index.md"):
        return
    in_dir = any(f in _DECISION_DIRS for f in _folders(ctx.file.path))
    named = _stem_matches(ctx.file.path, "lessons", "lessons_learned", "postmortem", "post_mortem",
                          "decision_log", "decisions", "experiment_log", "experiments_log", "experiment_journal",
                          "retrospective") or re.match(r"adr[-_]?\d+[-_.]", name) is not None
    if not (in_dir or named):
        return
    doc = _read(ctx)
    if _too_thin(ctx, doc, "decision or lessons record"):
        return
    what = "post-mortem" if "mortem" in ctx.file.path.lower() else "decision or lessons record"
    ctx.supports(line=1, message=f"{what} ({doc.words} words) kept in the repository")
