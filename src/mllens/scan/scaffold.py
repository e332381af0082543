"""`mllens dev new-rule FAMILY NAME`: the three stubs of a new rule (metadata, code,
fixtures). The stubs load, so the scanner keeps working, but fail the catalog test (TODO
texts, a placeholder mapping, an attribute read from no resource type) until they are filled
in. A rule of a family that judges the resource model (ml_resources, platform_resources) gets
a judgement over one attribute, a `reads:` entry in its metadata for an attribute the model
does not carry yet (a new attribute needs no edit to the model's code), and a bad/good
fixture pair per syntax (see docs/dev/rules.md)."""

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

# A judgement over the resource model (a family whose modules read `state_of`): it names a
# kind and an attribute, and gets one fixture pair per syntax the model is read from. In a
# module of its own (a family split by concern) it is a working judgement of the attribute its
# `reads:` declares; appended to a family module, whose imports it cannot know, a docstring.
_MODEL_CODE = '''

@rule()
def {name}(ctx: FileContext) -> None:
    """TODO: judge one attribute of one kind: a typed field (`model.vpc`), or one the rule's
    `reads:` declares, e.g.
    for model in state_of(ctx.file).of(Model):
        value = model.attr("{attribute}")  # None: its type has no such setting
        ..."""
'''
_MODEL_MODULE_CODE = '''

@rule()
def {name}(ctx: FileContext) -> None:
    """TODO: say what is judged. A typed field of a kind reads as `model.vpc`; an attribute no
    field carries is declared under this rule's `reads:` in the family YAML and read here."""
    for model in state_of(ctx.file).of(Model):  # TODO: the kind judged
        value = model.attr("{attribute}")  # None: this resource type has no such setting
        if value is None:
            continue
        for one in value.each():  # per environment when set from a variable or parameter
            if one.as_bool() is True:  # TODO: what supports (and what contradicts)
                ctx.given(one).supports(line=one.line,
                                        message=f"{{model.address}} TODO ({{one.name}} = {{one.shown()}})")
'''
# What a judgement over the model adds to its metadata: the attribute it reads when no typed
# field of the kind carries it (see mllens.scan.model.attributes_read; delete it otherwise).
_READS = """    reads:  # Kind.attribute: {{resource type: where that type writes it}}
      Model.{attribute}: {{}}  # e.g. {{aws_sagemaker_model: a_setting, AWS::SageMaker::Model: ASetting}}
"""
ATTRIBUTE = "todo_attribute"  # what the stubs read until the attribute is named
SYNTAXES = ("terraform", "cloudformation")

_FAMILY_CODE = '''"""{family}: TODO describe what this family reads."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.registry import rule
'''

_PACKAGE_CODE = '''"""{family}: TODO say what this rule judges (or move it into the module of its concern)."""

from __future__ import annotations

from mllens.scan.context import FileContext
{model}from mllens.scan.registry import rule
'''
_MODEL_IMPORTS = "from mllens.scan.model import state_of\nfrom mllens.scan.model.kinds import Model\n"

_FAMILY_META = """family: {family}
description: TODO describe what this family reads and reports
kinds: [text]
rules:
"""


def _check_meta(text: str, name: str, meta: Path) -> None:
    if re.search(rf"^  {re.escape(name)}:\s*$", text, re.MULTILINE):
        raise InputError(f"rule {name!r} already has metadata", file=str(meta))
    if not re.search(r"^rules:\s*$", text, re.MULTILINE) or re.search(
        r"^rules:(?:(?!\n\S).)*\n[a-z_]+:", text, re.S | re.M
    ):
        raise InputError("expected 'rules:' to be the last top-level key, to append a rule under it", file=str(meta))


def new_rule(family: str, name: str, *, src: Path, fixtures: Path) -> list[Path]:
    """Write the stubs; returns the paths written or changed. `src` is the detectors dir."""
    for value, what in ((family, "FAMILY"), (name, "NAME")):
        if not _NAME.match(value):
            raise InputError(f"expected a snake_case identifier, got {value!r}", field=what)
    module, meta = src / f"{family}.py", src / f"{family}.yaml"
    written: list[Path] = []
    package = src / family
    own_module = package.is_dir()  # a family split by concern: the stub is a module of its own
    if own_module:
        module = package / f"{name}.py"
        if module.exists():
            raise InputError(f"{module} already exists", file=str(module))
        _check_meta(meta.read_text(encoding="utf-8"), name, meta)
        over = "state_of(" in "".join(m.read_text(encoding="utf-8") for m in package.glob("*.py"))
        module.write_text(_PACKAGE_CODE.format(family=family, model=_MODEL_IMPORTS if over else ""), encoding="utf-8")
        written.append(module)
    elif not module.exists():
        module.write_text(_FAMILY_CODE.format(family=family), encoding="utf-8")
        meta.write_text(_FAMILY_META.format(family=family), encoding="utf-8")
        written += [module, meta]
    text = meta.read_text(encoding="utf-8")
    _check_meta(text, name, meta)
    code = module.read_text(encoding="utf-8")
    over_model = "state_of(" in code or _MODEL_IMPORTS in code
    entry = _META.format(name=name) + (_READS.format(attribute=ATTRIBUTE) if over_model else "")
    meta.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")
    stub = _MODEL_MODULE_CODE if own_module and over_model else _MODEL_CODE if over_model else _CODE
    module.write_text(code.rstrip("\n") + "\n" + stub.format(name=name, attribute=ATTRIBUTE), encoding="utf-8")
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
    return list(dict.fromkeys([*written, meta, module, expected]))
