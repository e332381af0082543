"""`mllens dev new-rule FAMILY NAME`: the three stubs of a new rule (metadata, code,
fixtures). The stubs load, so the scanner keeps working, but fail the catalog test (TODO
texts, a placeholder mapping) until they are filled in. A rule of a family that judges the
resource model (ml_resources) gets a judgement stub and a bad/good fixture pair per syntax
(see docs/dev/rules.md)."""

from __future__ import annotations

import re
from pathlib import Path

from mllens.errors import InputError

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,60}$")

_META = """  {name}:
    title: TODO state what the rule finds
    status: preview
    confidence: 0.7
    maps:
      - {{practice: TODO, check: TODO}}
    outcomes: [supports]
    why: TODO why this matters for an ML workload
    how: TODO how the rule decides, and its blind spots
    fix: {{}}
    references: []
"""

_CODE = '''

@rule()
def {name}(ctx: FileContext) -> None:
    """TODO: read ctx.file.data and call ctx.supports(...) / ctx.contradicts(...)."""
'''

# A judgement over the resource model (a family whose module reads `state_of`): it names a
# kind and an attribute, and gets one fixture pair per syntax the model is read from.
_MODEL_CODE = '''

@rule()
def {name}(ctx: FileContext) -> None:
    """TODO: judge one attribute of one kind, e.g.
    for deployment in state_of(ctx.file).of(Deployment):
        value = deployment.<attribute>  # a Value: raw, kind, file, line, name as written
        ctx.supports(line=value.line, message=f"{{deployment.address}} ... ({{value.name}})")"""
'''
SYNTAXES = ("terraform", "cloudformation")

_FAMILY_CODE = '''"""{family}: TODO describe what this family reads."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.registry import rule
'''

_PACKAGE_CODE = '''"""{family}: TODO say what this rule judges (move it into the module of its concern)."""

from __future__ import annotations

from mllens.scan.context import FileContext
{model}from mllens.scan.registry import rule
'''
_MODEL_IMPORTS = "from mllens.scan.model import state_of\n"

_FAMILY_META = """family: {family}
description: TODO describe what this family reads and reports
kinds: [text]
rules:
"""


def new_rule(family: str, name: str, *, src: Path, fixtures: Path) -> list[Path]:
    """Write the stubs; returns the paths written or changed. `src` is the detectors dir."""
    for value, what in ((family, "FAMILY"), (name, "NAME")):
        if not _NAME.match(value):
            raise InputError(f"expected a snake_case identifier, got {value!r}", field=what)
    module, meta = src / f"{family}.py", src / f"{family}.yaml"
    written: list[Path] = []
    package = src / family
    if package.is_dir():  # a family split by concern: the stub is a module of its own, moved later
        module = package / f"{name}.py"
        if module.exists():
            raise InputError(f"{module} already exists", file=str(module))
        over = "state_of(" in "".join(m.read_text(encoding="utf-8") for m in package.glob("*.py"))
        module.write_text(_PACKAGE_CODE.format(family=family, model=_MODEL_IMPORTS if over else ""), encoding="utf-8")
        written.append(module)
    elif not module.exists():
        module.write_text(_FAMILY_CODE.format(family=family), encoding="utf-8")
        meta.write_text(_FAMILY_META.format(family=family), encoding="utf-8")
        written += [module, meta]
    text = meta.read_text(encoding="utf-8")
    if re.search(rf"^  {re.escape(name)}:\s*$", text, re.MULTILINE):
        raise InputError(f"rule {name!r} already has metadata", file=str(meta))
    if not re.search(r"^rules:\s*$", text, re.MULTILINE) or re.search(
        r"^rules:(?:(?!\n\S).)*\n[a-z_]+:", text, re.S | re.M
    ):
        raise InputError("expected 'rules:' to be the last top-level key, to append a rule under it", file=str(meta))
    meta.write_text(text.rstrip("\n") + "\n" + _META.format(name=name), encoding="utf-8")
    code = module.read_text(encoding="utf-8")
    over_model = "state_of(" in code or _MODEL_IMPORTS in code
    module.write_text(code.rstrip("\n") + "\n" + (_MODEL_CODE if over_model else _CODE).format(name=name),
                      encoding="utf-8")
    rule_dir = fixtures / family / name
    cases = [f"{case}_{syntax}" for syntax in SYNTAXES for case in ("bad", "good")] if over_model else ["bad", "good"]
    for case in cases:
        (rule_dir / case).mkdir(parents=True, exist_ok=True)
    expected = rule_dir / "expected.yaml"
    if not expected.exists():
        expected.write_text(
            "# TODO: list the exact evidence each case must produce\n" + "".join(f"{c}: []\n" for c in cases),
            encoding="utf-8",
        )
    return [*written, meta, module, expected]
