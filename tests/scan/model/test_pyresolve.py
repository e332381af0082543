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


FLOW = '''
from metaflow import FlowSpec, Parameter


class Deploy(FlowSpec):
    INSTANCE = Parameter(name="instance", default="ml.t2.medium")
    REGION = "eu-west-1"

    def start(self, given):
        self.given = given
        call(self.INSTANCE, self.REGION, self.given, self.missing)
'''


def test_self_attributes_are_class_attributes_and_flow_parameters_their_default() -> None:
    module = Module([(ast.parse(FLOW), None)], FLOW)
    call = next(c for c in module.calls if module.qualified(c) == "call")
    instance, region, given, missing = (module.value(arg, call.scope) for arg in call.node.args)
    assert (instance, region) == ("ml.t2.medium", "eu-west-1")
    assert module.origin(call.node.args[0], call.scope, call.lines) == 6  # the line of the default
    assert given == "${given}"  # bound in the method to a parameter with no default: not known
    assert missing == "${self.missing}"


CALLED = '''
import os

IMAGE = "repo:latest"


def once(job, image, *, role):
    call(job, image, role)


def twice(image):
    call(image)


def unused(image):
    call(image)


def shadowed(image):
    image = image + "x"
    call(image)


def run():
    tag = os.environ["TAG"]
    once("job", IMAGE, role=f"role-{tag}")


twice("a")
twice("b")
shadowed("a")
'''


def test_a_parameter_of_a_function_called_once_is_the_argument_of_that_call() -> None:
    module = Module([(ast.parse(CALLED), None)], CALLED)
    calls = [c for c in module.calls if module.qualified(c) == "call"]
    once, twice, unused, shadowed = ([module.value(a, c.scope) for a in c.node.args] for c in calls)
    assert once == ["job", "repo:latest", "role-${os.environ['TAG']}"]  # each read in the caller's scope
    assert module.origin(calls[0].node.args[1], calls[0].scope, calls[0].lines) == 4  # where IMAGE is set
    assert twice == ["${image}"] and unused == ["${image}"]
    assert shadowed == ["${image + 'x'}"]
