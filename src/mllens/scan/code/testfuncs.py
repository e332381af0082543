"""Which test functions of a test module check something, and which are placeholders.

A test that only passes, asserts a constant (`assert True`) or only that a name is callable
(`self.assertTrue(callable(fn))`: the import already showed that), is marked skip or xfail,
or calls the code without any assertion shows that a test file exists, not that the code is
tested: such placeholders do not count as tests of data or model code. An `if` that raises
asserts in effect, and a test may assert through a helper function of its own module.
"""

from __future__ import annotations

import ast
from typing import Any

Function = ast.FunctionDef | ast.AsyncFunctionDef
# calls that assert in effect: pytest.raises / warns, unittest's self.assert*, numpy's and
# pandas' testing helpers (assert_*), mocks' assert_called*, pytest.fail
_ASSERTING_CALLS = frozenset({"raises", "warns", "fail", "deprecated_call"})
_PLACEHOLDER_MARKS = frozenset({"skip", "xfail"})


def test_functions(tree: ast.Module) -> list[Function]:
    """Functions named test* (module level or in a class), in source order."""
    found = [n for n in ast.walk(tree) if isinstance(n, Function) and n.name.startswith("test")]
    return sorted(found, key=lambda n: n.lineno)


def _last_name(expr: ast.expr) -> str:
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else ""


def _marked_placeholder(function: Function) -> bool:
    """Decorated pytest.mark.skip / xfail (unconditional: skipif is a condition, not a stub)."""
    return any(_last_name(d) in _PLACEHOLDER_MARKS for d in function.decorator_list)


def _checks_nothing(expr: ast.expr) -> bool:
    """A constant (`True`) or `callable(name)`: true of any importable code, run or not."""
    return isinstance(expr, ast.Constant) or (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "callable"
        and all(isinstance(arg, ast.Name | ast.Attribute) for arg in expr.args)
    )


def _asserts(node: Any) -> bool:
    if isinstance(node, ast.If):  # `if status != "InService": raise ...`: an assert in effect
        return any(isinstance(n, ast.Raise) for s in node.body for n in ast.walk(s))
    if isinstance(node, ast.Assert):
        return not _checks_nothing(node.test)  # `assert True` checks nothing
    if isinstance(node, ast.Call):
        last = _last_name(node)
        if last.startswith("assert") and node.args and all(_checks_nothing(a) for a in node.args):
            return False  # self.assertTrue(callable(fn)), self.assertTrue(True)
        return last.startswith("assert") or last in _ASSERTING_CALLS
    return False


def checks_something(function: Function, helpers: frozenset[str] = frozenset()) -> bool:
    """The test asserts on something computed (not a skipped or xfail stub, not `pass`),
    itself or through a helper of its module that asserts (`helpers`, by name)."""
    if _marked_placeholder(function):
        return False
    for statement in function.body:
        for node in ast.walk(statement):
            if _asserts(node):
                return True
            if helpers and isinstance(node, ast.Call) and _last_name(node) in helpers:
                return True
    return False


def _asserting_helpers(tree: ast.Module) -> frozenset[str]:
    """Functions of the module, not tests themselves, that assert (`_check_prediction`)."""
    return frozenset(
        n.name
        for n in ast.walk(tree)
        if isinstance(n, Function) and not n.name.startswith("test") and checks_something(n)
    )


def real_tests(tree: ast.Module) -> tuple[list[Function], list[Function]]:
    """(tests that check something, placeholder tests) of a test module."""
    real: list[Function] = []
    placeholders: list[Function] = []
    helpers = _asserting_helpers(tree)
    for function in test_functions(tree):
        (real if checks_something(function, helpers) else placeholders).append(function)
    return real, placeholders
