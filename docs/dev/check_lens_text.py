"""Flag lens text problems while the lens is being written (TODOs, lengths, characters)."""

import re
import sys

from mllens.lens.load import load_lens

ALLOWED = re.compile(r"^[A-Za-z0-9 \n\-_.,:/()@!&#+'?]*$")
lens = load_lens("src/mllens/lens/data/ml")
only = sys.argv[1:]  # optional pillar ids
problems = []
for q in lens.questions:
    if only and q.pillar not in only:
        continue
    for field in ("title", "description"):
        text = getattr(q, field)
        if "TODO" in text:
            problems.append(f"{q.id}.{field}: TODO")
        if not ALLOWED.match(text):
            bad = sorted(set(c for c in text if not ALLOWED.match(c)))
            problems.append(f"{q.id}.{field}: characters not allowed: {bad}")
    if len(q.description) > 1000:
        problems.append(f"{q.id}.description: {len(q.description)} chars > 1000")
    for p in q.choices:
        for field in ("title", "description", "why"):
            if "TODO" in getattr(p, field) or not getattr(p, field):
                problems.append(f"{p.id}.{field}: TODO or empty")
        if not ALLOWED.match(p.title):
            problems.append(f"{p.id}.title: characters not allowed")
        if len(p.description) > 900:
            problems.append(f"{p.id}.description: {len(p.description)} chars > 900")
        if not 2 <= len(p.checks) <= 5:
            problems.append(f"{p.id}: {len(p.checks)} checks (want 2-5)")
        for stack in ("aws", "gcp", "azure", "open_source"):
            if not any(getattr(s.stacks, stack) for s in p.improvement):
                problems.append(f"{p.id}: no improvement note for {stack}")
        if not p.resources:
            problems.append(f"{p.id}: no resource")
print("\n".join(problems) or "clean")
print(f"{len(problems)} problems")
