"""Each check of the shipped lens has its own next step, about that check.

The rule (docs/dev/lens-writing.md, "A check's step"):

1. every check, automated or manual, has a `step`;
2. a step has a note for each of the four stacks, or none at all (an explicit general
   step, for work no platform changes: an agreement, a review, a record); an automated
   check's step always has the four notes, since files show it and the files differ by
   stack;
3. the step names a term of its check: it shares at least one content word (stemmed,
   four letters or more, not a word every lens text uses) with the check's text or id;
4. it is about its own check more than any sibling's: it shares at least as many
   content words with its own check as with any other check of the practice;
5. it is no copy: its text differs from every other step in the lens, the practice's
   improvement steps included.

And the lens text around them: a practice's first improvement step (the advice shown when
nothing more specific is known) is its own, not a near-copy of another practice's (as data
capture was for three monitoring practices), and no guidance sends a team to services or
features that were retired or are fading (docs/dev/lens-writing.md, "Name current things
only").
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from mllens.lens import load_shipped_lens
from mllens.lens.model import STACKS, Check, Practice

LENS = load_shipped_lens()
CHECKS = [(p, c) for p in LENS.practices for c in p.checks]
IDS = [f"{p.id}:{c.id}" for p, c in CHECKS]

_WORD = re.compile(r"[a-z][a-z0-9]+")
# Words any step or check may use: they say nothing about which check a step is for.
_COMMON_WORDS = """
    the and for are not its with that this from every each their they into only when have
    more than before after which all any one own use used uses using model models data
    make makes made keep kept set sets add adds run runs ran step steps team teams named
    name names record recorded records write written work what where there them then other
    such example least also both once over under most less same new old rather instead
"""
_COMMON = frozenset(_COMMON_WORDS.split())


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    # scale, scaled, scaling -> scal
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def terms(text: str) -> set[str]:
    """The content words of `text`, stemmed: what ties a step to its check."""
    words = _WORD.findall(text.lower().replace("_", " "))
    return {_stem(w) for w in words if len(w) >= 4 and w not in _COMMON}


def _check_terms(check: Check) -> set[str]:
    return terms(check.text) | terms(check.id)


def test_terms_stem_and_drop_common_words() -> None:
    assert terms("Pinned images are scanned") == {"pinn", "imag", "scann"}
    assert terms("scale") == terms("scaling") == terms("scaled") == {"scal"}
    assert terms("the model and its data") == set()
    assert terms("endpoint_autoscaling") == {"endpoint", "autoscal"}


@pytest.mark.parametrize(("practice", "check"), CHECKS, ids=IDS)
def test_check_has_a_step_with_four_stacks_or_none(practice: Practice, check: Check) -> None:
    assert check.step is not None, f"{practice.id} {check.id}: no step"
    notes = [getattr(check.step.stacks, s) for s in STACKS]
    given = [s for s, note in zip(STACKS, notes, strict=True) if note]
    if check.kind == "automated":
        assert given == list(STACKS), f"{practice.id} {check.id}: an automated check's step has all four stacks"
    else:
        assert given in ([], list(STACKS)), f"{practice.id} {check.id}: notes for {given} only"


@pytest.mark.parametrize(("practice", "check"), CHECKS, ids=IDS)
def test_step_names_a_term_of_its_check(practice: Practice, check: Check) -> None:
    assert check.step is not None
    own = terms(check.step.text) & _check_terms(check)
    assert own, f"{practice.id} {check.id}: the step shares no word with its check"
    for sibling in practice.checks:
        if sibling.id != check.id:
            other = terms(check.step.text) & _check_terms(sibling)
            assert len(own) >= len(other), (
                f"{practice.id} {check.id}: the step is nearer check {sibling.id} ({sorted(other)}) "
                f"than its own ({sorted(own)})"
            )


def test_no_step_is_a_copy() -> None:
    texts: Counter[str] = Counter()
    for practice in LENS.practices:
        texts.update(" ".join(s.text.lower().split()) for s in practice.improvement)
        texts.update(" ".join(c.step.text.lower().split()) for c in practice.checks if c.step)
    copies = [t for t, n in texts.items() if n > 1]
    assert copies == []


# Retired or fading names, each with what to write instead.
RETIRED = {
    r"data assistants?": "Great Expectations 1.x expectation suites (data assistants are gone in GX 1.0)",
    r"\bwhylogs\b": "Evidently or NannyML (the whylogs hosted platform closed)",
    r"SageMaker Experiments": "SageMaker managed MLflow",
    r"Incident Manager": "alarms routed to the team's own on-call tool",
    r"\bOpsgenie\b": "the team's own on-call tool (Opsgenie is no longer sold)",
}
# The one sentence that names SageMaker Experiments to say what replaced it.
_SUCCESSOR = "the successor to SageMaker Experiments"


def _texts(practice: Practice) -> list[str]:
    out = [practice.title, practice.description, practice.why]
    out += [r.title for r in practice.resources]
    steps = [*practice.improvement, *(c.step for c in practice.checks if c.step)]
    for step in steps:
        out.append(step.text)
        out += [note for s in STACKS if (note := getattr(step.stacks, s))]
    out += [c.text for c in practice.checks]
    return [" ".join(t.split()) for t in out]


@pytest.mark.parametrize("practice", LENS.practices, ids=[p.id for p in LENS.practices])
def test_no_retired_guidance(practice: Practice) -> None:
    for text in _texts(practice):
        text = text.replace(_SUCCESSOR, "")
        for pattern, instead in RETIRED.items():
            found = re.search(pattern, text, re.IGNORECASE)
            assert found is None, f"{practice.id}: {text!r} names {pattern}; use {instead}"


def test_first_steps_are_each_practices_own() -> None:
    firsts = [(p.id, terms(p.improvement[0].text)) for p in LENS.practices]
    near = []
    for i, (a, ta) in enumerate(firsts):
        for b, tb in firsts[i + 1 :]:
            if len(ta & tb) / max(1, len(ta | tb)) >= 0.5:
                near.append((a, b, sorted(ta & tb)))
    assert near == []


def test_monitoring_practices_do_not_lead_with_data_capture() -> None:
    # Capture belongs to MLOPS06-BP02; the practices that read it lead with their own work.
    for pid in ("MLPERF06-BP01", "MLPERF06-BP03", "MLPERF06-BP04"):
        assert "captur" not in terms(LENS.practice(pid).improvement[0].text), pid


def test_meaning_of_drifted_practices() -> None:
    assert "monitor" in LENS.practice("MLPERF04-BP04").title.lower()
    assert "energy-efficient algorithms" in LENS.practice("MLSUS04-BP02").title.lower()
    sec05 = " ".join(_texts(LENS.practice("MLSEC05-BP01"))).lower()
    assert "weights_only" not in sec05 and "safetensors" not in sec05
    assert "torch.load" in " ".join(r.title for r in LENS.practice("MLSEC03-BP02").resources)
