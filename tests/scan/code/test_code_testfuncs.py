"""Which test functions check something (mllens.scan.code.testfuncs)."""

from __future__ import annotations

import ast

import pytest

from mllens.scan.code.testfuncs import real_tests

STUBS = '''
import pytest

def test_pass():
    pass

def test_ellipsis():
    ...

def test_constant():
    assert True

@pytest.mark.xfail(reason="No tests written")
def test_xfail():
    assert False

@pytest.mark.skip
def test_skipped():
    assert compute() == 1

def test_call_only():
    compute()
'''

ONLY_CALLABLE = '''
import unittest

class PreprocessingTest(unittest.TestCase):
    def test_fn_exists(self):
        self.assertTrue(callable(preprocessing_fn))

def test_callable_assert():
    assert callable(preprocessing_fn)

def test_the_output():
    assert callable(preprocessing_fn(rows))
'''


def _names(source: str) -> tuple[list[str], list[str]]:
    real, stubs = real_tests(ast.parse(source))
    return [f.name for f in real], [f.name for f in stubs]


def test_stubs_check_nothing() -> None:
    assert _names(STUBS) == ([], ["test_pass", "test_ellipsis", "test_constant", "test_xfail", "test_skipped",
                                  "test_call_only"])


@pytest.mark.parametrize(
    "body",
    [
        "assert compute() == 1",
        "with pytest.raises(ValueError):\n        compute()",
        "np.testing.assert_allclose(compute(), 1.0)",
        "mock.assert_called_once()",
    ],
)
def test_an_assertion_on_something_computed_counts(body: str) -> None:
    source = f"import pytest\n\ndef test_it():\n    {body}\n"
    assert _names(source) == (["test_it"], [])


def test_unittest_methods_and_skipif_count() -> None:
    source = (
        "import sys, unittest, pytest\n"
        "class TestScale(unittest.TestCase):\n"
        "    def test_unit(self):\n"
        "        self.assertEqual(scale(2), 1)\n"
        "@pytest.mark.skipif(sys.platform == 'win32', reason='posix only')\n"
        "def test_posix():\n"
        "    assert path_of('x')\n"
    )
    assert _names(source) == (["test_unit", "test_posix"], [])


def test_asserting_only_that_a_name_is_callable_checks_nothing() -> None:
    # what the function returns being callable is computed, and counts
    assert _names(ONLY_CALLABLE) == (["test_the_output"], ["test_fn_exists", "test_callable_assert"])


def test_helpers_are_not_tests() -> None:
    assert _names("def helper():\n    assert True\n") == ([], [])


HELPERS_AND_RAISES = '''
def _check_prediction(model, image, expected):
    predicted = model.predict(image)
    assert predicted == expected
    return predicted

def _log(message):
    print(message)

def test_through_a_helper():
    for image, expected in SAMPLES:
        _check_prediction(MODEL, image, expected)

def test_through_a_helper_that_checks_nothing():
    _log("ran")

def test_raises_on_a_bad_status():
    status = describe()["status"]
    if status != "InService":
        raise RuntimeError(status)

def test_raise_outside_an_if():
    describe()
    raise NotImplementedError
'''


def test_a_helper_that_asserts_and_an_if_that_raises_are_checks() -> None:
    assert _names(HELPERS_AND_RAISES) == (
        ["test_through_a_helper", "test_raises_on_a_bad_status"],
        ["test_through_a_helper_that_checks_nothing", "test_raise_outside_an_if"],
    )
