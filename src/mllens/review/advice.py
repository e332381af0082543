"""The next step for a gap, tied to what failed.

For contradicting evidence: the detector rule's fix for the syntax of the file it was read
from (the rule metadata's `fix`, read through the registry), with the failing check's step
as the words around it. For a check not met without a rule's fix (a manual check the team
answered, or a rule with no snippet for that syntax): the check's own step. A check with no
step of its own yet gets the step of its practice that speaks of it (most shared words),
else its own statement as the goal; a practice with no failing check, its first step.
Every reporter shows this, never another check's step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import PurePosixPath

from mllens.lens.model import STACKS, Check, ImprovementStep, Lens, Practice
from mllens.review.model import Advice, AdviceSource, PlanEvidence
from mllens.scan.evidence import Evidence

# A file's syntax from its name; YAML and JSON hold several, told apart by the file's path
# and the finding's message (a CloudFormation resource is named `Id (AWS::...)`).
_DATA = ("cloudformation", "kubernetes", "azureml", "yaml")
_BY_SUFFIX = {
    ".tf": ("terraform",), ".tfvars": ("terraform",), ".hcl": ("terraform",), ".bicep": ("bicep",),
    ".bicepparam": ("bicep",), ".py": ("python",), ".ipynb": ("python",), ".ts": ("cdk",),
    ".yaml": _DATA, ".yml": _DATA, ".json": ("cloudformation", "arm", "yaml"), ".template": ("cloudformation",),
}  # fmt: skip
_CI = re.compile(r"(^|/)(\.github/|\.gitlab-ci|azure-pipelines|bitbucket-pipelines|cloudbuild|buildspec|\.circleci/)")
# A CDK finding names its construct as `Id (module.Class)`, as CloudFormation's names `Id (AWS::...)`.
_CDK = re.compile(r"\bcdk\b|cdk\.out|aws_cdk|\((?-i:[a-z][a-z0-9_]*\.[A-Z]\w*)\)", re.IGNORECASE)
_HINTS: tuple[tuple[str, str], ...] = (
    (r"AWS::|cloudformation|\bcfn\b|\bsam\b|template\.(ya?ml|json)", "cloudformation"),
    (r"Microsoft\.|azuredeploy|\barm\b", "arm"),
    (r"azureml|azure ml|azure machine learning|(online|batch) (deployment|endpoint)|compute (instance|cluster)"
     r"|data_collector|customer_managed_key|public_network_access", "azureml"),  # CLI v2 spec fields
    (r"InferenceService|Deployment/|kserve|kubeflow|\bk8s\b|kubernetes|manifests?/|charts?/|helm|kustomiz"
     r"|(?-i:\b(Deployment|StatefulSet|DaemonSet|Job|CronJob|Pod) [a-z0-9][a-z0-9.-]*)", "kubernetes"),  # kind name
)  # fmt: skip


def syntax_of(item: PlanEvidence, keys: Iterable[str]) -> str | None:
    """The key of a rule's `fix` that fits the file `item` was read from, or None when the
    rule has none for it or the file could be one of several syntaxes the rule has fixes
    for (a guess would show a snippet of the wrong language)."""
    available = list(keys)
    if not available:
        return None
    path = PurePosixPath(item.file)
    name, suffix = path.name.lower(), path.suffix.lower()
    said = f"{item.file} {item.message}"
    if name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        candidates: tuple[str, ...] = ("docker",)
    elif name in ("serverless.yml", "serverless.yaml"):
        candidates = ("serverless", "yaml")  # a Serverless Framework service, not a CloudFormation template
    elif suffix in (".yaml", ".yml") and _CI.search(item.file):
        candidates = ("yaml", "cli")  # a CI pipeline: its YAML, else the command it runs
    elif suffix == ".py" and _CDK.search(said):
        candidates = ("cdk", "python")
    else:
        candidates = _BY_SUFFIX.get(suffix, ("cli", "text"))
    if candidates in (_DATA, _BY_SUFFIX[".json"]):
        hinted = [s for pattern, s in _HINTS if s in candidates and re.search(pattern, said, re.IGNORECASE)]
        if hinted:
            return hinted[0] if hinted[0] in available else None
        fitting = [c for c in candidates if c in available]
        return fitting[0] if len(fitting) == 1 else None
    fitting = [c for c in candidates if c in available]
    if fitting:
        return fitting[0]
    # A family read from a file of its own (a CI workflow, a text file): its one fix fits.
    return available[0] if len(available) == 1 and item.file.endswith(_ANY_TEXT) else None


_ANY_TEXT = (".yml", ".yaml", ".txt", ".cfg", ".toml", ".sh", ".groovy", "Jenkinsfile", ".in", ".lock", ".md")

_WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
# Words every lens text uses: they tell no step from another.
_COMMON = frozenset(
    {
        "the", "and", "for", "are", "not", "its", "with", "that", "this", "from", "every", "each", "their",
        "they", "into", "only", "when", "have", "more", "than", "before", "after", "which", "all", "any", "one",
        "own", "use", "model", "models", "data"
    }
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    word = word[:-1] if len(word) > 3 and word[-1] == word[-2] else word  # pinned -> pin
    return word[:5]  # encrypted, encryption -> encry


def _words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _COMMON}


def step_for_check(
    practice: Practice, check: Check, *, found: str = ""
) -> tuple[ImprovementStep | None, AdviceSource]:
    """The check's own step, else its practice's step sharing most words with the check
    (then with what was `found`: a finding's message; the first step on a tie, and when
    none shares any), else none."""
    if check.step is not None:
        return check.step, "check"
    if not practice.improvement:
        return None, "none"
    wanted = _words(f"{check.id.replace('_', ' ')} {check.text}")
    seen = _words(found) - wanted
    scores = [
        2 * len(wanted & words) + len(seen & words)
        for words in (_words(step.text) for step in practice.improvement)
    ]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    if not wanted & _words(practice.improvement[best].text):
        return None, "check_text"  # no step speaks of this check: its own statement is the goal
    return practice.improvement[best], "practice"


def _notes(step: ImprovementStep | None) -> dict[str, str]:
    if step is None:
        return {}
    return {stack: note for stack in STACKS if (note := getattr(step.stacks, stack))}


@cache
def _rule_fixes() -> dict[str, dict[str, str]]:
    from mllens.scan.registry import all_rules  # every detector family: only when advice is asked

    return {rule_id: {str(k): v for k, v in rule.meta.fix.items()} for rule_id, rule in all_rules().items()}


def as_found(item: Evidence) -> PlanEvidence:
    """A finding as a plan item carries it."""
    return PlanEvidence(rule=item.rule, file=item.file, line=item.line, message=item.message)


def advise(
    lens: Lens, practice_id: str, *, check: str | None = None, evidence: PlanEvidence | None = None
) -> Advice:
    """The next step for a gap of practice `practice_id`: a check not met (`check`), with
    the contradicting finding that proves it (`evidence`) when the files do; neither for
    the practice as a whole."""
    practice = lens.practice(practice_id)
    found = practice.check(check) if check is not None else None
    source: AdviceSource
    if found is not None:
        said = f"{evidence.message} {evidence.rule.replace('_', ' ')}" if evidence is not None else ""
        step, source = step_for_check(practice, found, found=said)
    else:
        step = practice.improvement[0] if practice.improvement else None
        source = "practice" if step is not None else "none"
    if step is not None:
        text = step.text
    elif found is not None:
        text, source = f"Make this hold: {found.text.rstrip('.')}.", "check_text"
    else:
        text = f"Put practice {practice.id} in place: {practice.title}."
    advice = Advice(text=text, source=source, practice=practice.id, check=check, stacks=_notes(step))
    if evidence is not None:
        fixes = _rule_fixes().get(evidence.rule, {})
        syntax = syntax_of(evidence, fixes)
        if syntax is not None:
            advice = advice.model_copy(
                update={"source": "rule", "rule": evidence.rule, "syntax": syntax, "snippet": fixes[syntax]}
            )
    return advice


# Words in evidence that name a cloud; a project with none of them is on open-source tooling.
_CLOUD_WORDS = {
    "aws": re.compile(r"\baws_|AWS::|sagemaker|\bs3://|\baws\b", re.IGNORECASE),  # not IAM, KMS: every cloud has them
    "gcp": re.compile(r"\bgoogle_|vertex|gcloud|\bgcs\b|gs://|bigquery|google cloud", re.IGNORECASE),
    "azure": re.compile(r"azurerm_|Microsoft\.|azure|\baz ml\b", re.IGNORECASE),
}


def found_stacks(evidence: Iterable[Evidence]) -> tuple[str, ...]:
    """The stacks the scan found: clouds named by the deciding evidence (rule, file, message),
    in STACKS order; `("open_source",)` when it names none."""
    said = [f"{e.rule} {e.file} {e.message}" for e in evidence if e.decides]
    clouds = tuple(stack for stack, words in _CLOUD_WORDS.items() if any(words.search(s) for s in said))
    return clouds or ("open_source",)


def shown_stacks(evidence: Iterable[Evidence], chosen: str | None) -> tuple[str, ...]:
    """The stacks whose notes a report shows: the one `--stack` chose, else those found."""
    return (chosen,) if chosen else found_stacks(evidence)
