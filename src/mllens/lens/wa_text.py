"""How a practice's fields are written into the few text slots of an AWS choice, and read back.

Every pair here is built so that `render(read(text)) == text` for any text the exporter
wrote, which is what makes export -> import -> export byte-identical:

- helpfulResource.displayText = description, then WHY_MARK and why (if any);
- improvementPlan.displayText = the steps, numbered when there are two or more, or the
  practice title when there are none (the shape of AWS's own ML lens file);
- one IMPROVEMENT_PLAN additional item per stack with notes: "<Stack> notes:" and the
  notes numbered by the step they belong to.
"""

from __future__ import annotations

import re
import unicodedata

WHY_MARK = "\n\nWhy it matters: "
STACK_LABELS = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure", "open_source": "Open source"}
_STACK_HEAD = re.compile(r"^(AWS|Google Cloud|Azure|Open source) notes:\n")
_NUMBERED = re.compile(r"^(\d+)\. ")


def help_text(description: str, why: str) -> str:
    return f"{description}{WHY_MARK}{why}" if why else description


def split_help(text: str) -> tuple[str, str]:
    """(description, why) of a helpful text; text without the marker is all description."""
    description, mark, why = text.partition(WHY_MARK)
    # A marker with nothing after it stays part of the description, so the text reads back.
    return (description, why) if mark and why else (text, "")


def plan_text(steps: list[str], title: str) -> str:
    if not steps:
        return title
    if len(steps) == 1:
        return steps[0]
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))


def _numbered(text: str, *, consecutive: bool, limit: int | None = None) -> list[tuple[int, str]] | None:
    """Split "1. a\\n2. b" into [(1, "a"), (2, "b")]; a line starts a new item only when its
    number is the next one (or, for notes, any larger one up to `limit`)."""
    items: list[tuple[int, list[str]]] = []
    for line in text.split("\n"):
        match = _NUMBERED.match(line)
        if match:
            number = int(match.group(1))
            previous = items[-1][0] if items else 0
            fits = number == previous + 1 if consecutive else previous < number <= (limit or number)
            if fits:
                items.append((number, [line[match.end() :]]))
                continue
        if not items:
            return None
        items[-1][1].append(line)
    return [(number, "\n".join(lines)) for number, lines in items]


def read_plan(text: str, title: str) -> list[str]:
    """The improvement steps an improvement-plan text holds."""
    if text == title:
        return []
    items = _numbered(text, consecutive=True)
    if items and len(items) >= 2 and all(body.strip() for _, body in items):
        return [body for _, body in items]
    return [text]


def stack_text(stack: str, notes: list[tuple[int, str]]) -> str:
    lines = "\n".join(f"{n}. {note}" for n, note in notes)
    return f"{STACK_LABELS[stack]} notes:\n{lines}"


def read_stack_text(text: str, steps: int) -> tuple[str, dict[int, str]] | None:
    """(stack, {step number: note}) for a text `stack_text` wrote, else None."""
    head = _STACK_HEAD.match(text)
    if head is None:
        return None
    stack = next(key for key, label in STACK_LABELS.items() if label == head.group(1))
    items = _numbered(text[head.end() :], consecutive=False, limit=steps)
    if not items or not all(body.strip() for _, body in items):
        return None
    return stack, dict(items)


# Replacements `fold` makes in restricted fields (section 6.3), before falling back to the
# ASCII form of accented letters and dropping whatever is left.
_REPLACE = {
    ";": ",",
    '"': "'",
    "\u201c": "'",
    "\u201d": "'",
    "\u2018": "'",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    "<": "(",
    ">": ")",
    "|": "/",
    "~": "-",
    "=": "-",
    "*": "",
    "$": "USD ",
    "%": " percent",
    "\t": " ",
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
}


def clean_restricted(text: str, allowed: re.Pattern[str]) -> str:
    out: list[str] = []
    for char in text:
        if allowed.fullmatch(char):
            out.append(char)
        elif char in _REPLACE:
            out.append(_REPLACE[char])
        else:
            ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append("".join(c for c in ascii_form if allowed.fullmatch(c)))
    return re.sub(r"  +", " ", "".join(out)).strip()


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary so the result, with '...', is at most `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "..."
