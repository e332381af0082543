"""Strings built with f-strings, str.format and %: known parts kept, unknown parts as holes."""

from __future__ import annotations

import ast

from mllens.scan.model.pyresolve import Module

CODE = """\
import os

account = os.environ["ACCOUNT"]
REGION = "eu-west-1"
REPO = "byo"


def f(given, tag="latest"):
    call(
        "{}.dkr.ecr.{}.amazonaws.com/{}:latest".format(account, REGION, REPO),
        f"{account}.dkr.ecr.{REGION}.amazonaws.com/{REPO}:{tag}",
        "%s/%s:%s" % (account, REPO, "v1"),
        "%(r)s:%(t)s" % {"r": REPO, "t": tag},
        "{name}:{0}".format(given, name=REPO),
        f"{REPO!r:>6}|{3:03d}",
        "%d%%" % 5,
    )
    lookalike(
        "{0.x}".format(account),
        "{bad".format(1),
        "%s:%s" % REPO,
        "%*d" % (3, 4),
        given % 3,
        "{}:{}".format(*REPO),
    )
"""


def _args(name: str) -> list[object]:
    module = Module([(ast.parse(CODE), None)], CODE)
    call = next(c for c in module.calls if module.qualified(c) == name)
    return [module.value(arg, call.scope) for arg in call.node.args]


def test_known_parts_are_kept_and_unknown_parts_are_holes() -> None:
    fmt, fstr, pct, named, mixed, spec, escaped = _args("call")
    assert fmt == "${os.environ['ACCOUNT']}.dkr.ecr.eu-west-1.amazonaws.com/byo:latest"
    assert fstr == fmt  # the tag comes from the parameter's default
    assert pct == "${os.environ['ACCOUNT']}/byo:v1"
    assert named == "byo:latest"
    assert mixed == "byo:${given}"  # a parameter without a default stays a hole
    assert spec == " 'byo'|003"
    assert escaped == "5%"


def test_templates_that_cannot_be_read_are_references_as_a_whole() -> None:
    values = _args("lookalike")
    assert values == [
        "${'{0.x}'.format(account)}",  # an attribute of an argument
        "${'{bad'.format(1)}",  # a malformed template
        "${'%s:%s' % REPO}",  # two directives, one argument
        "${'%*d' % (3, 4)}",  # a width taken from the arguments
        "${given % 3}",  # not a string template
        "${'{}:{}'.format(*REPO)}",  # which argument fills which field is not known
    ]
