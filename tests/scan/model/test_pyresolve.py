"""The same-module resolver: names, parameters with defaults, dicts and settings classes."""

from __future__ import annotations

import ast

from mllens.scan.model.pyresolve import Module, Settings

CODE = """\
import boto3 as b
from sagemaker.network import NetworkConfig

TWICE = 1
TWICE = 2
BASE = {"a": 1}


def f(x=5, *, y, z=None):
    local = {**BASE, "b": x}
    for item in range(3):
        pass
    call(local, y, item, TWICE, NetworkConfig(subnets=["s"]), z)
    b.client("sagemaker").create_model()
"""


def _module() -> Module:
    return Module([(ast.parse(CODE), None)], CODE)


def test_values_follow_single_bindings_and_defaults() -> None:
    module = _module()
    call = next(c for c in module.calls if module.qualified(c) == "call")
    local, y, item, twice, network, z = (module.value(arg, call.scope) for arg in call.node.args)
    assert dict(local) == {"a": 1, "b": 5} and local.line_of("b") == 9  # where x's default is set
    assert (y, item, twice) == ("${y}", "${item}", "${TWICE}")  # no default, a loop, bound twice
    assert isinstance(network, Settings) and network.cls == "NetworkConfig" and list(network["subnets"]) == ["s"]
    assert z is None


def test_names_resolve_through_imports_and_clients() -> None:
    module = _module()
    assert "boto3.client(sagemaker).create_model" in [module.qualified(c) for c in module.calls]
