"""Pattern sets: the same verdicts as fnmatch, and what a text must hold to match."""

from __future__ import annotations

import fnmatch
import random

from mllens.scan.code.lazy import words_of
from mllens.scan.code.patterns import PatternSet

ALPHABET = "ab.*()?"


def test_matches_exactly_as_fnmatchcase() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        pattern = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 7)))
        name = "".join(rng.choice("ab.()") for _ in range(rng.randint(0, 9)))
        assert PatternSet((pattern,)).matches(name) == fnmatch.fnmatchcase(name, pattern), (pattern, name)


def test_star_crosses_dots_and_literals_are_exact() -> None:
    found = PatternSet(("mlflow.log_*", "sagemaker.*().deploy", "*keras.callbacks.EarlyStopping"))
    assert found.matches("mlflow.log_metric")
    assert found.matches("sagemaker.model.Model().deploy")
    assert found.matches("tensorflow.keras.callbacks.EarlyStopping")
    assert not found.matches("mlflow.sklearn.log_model")
    assert not found.matches("sagemaker.deploy")
    assert found.roots is None  # a pattern starting with * may match under any import


def test_absent_when_a_needed_word_is_missing() -> None:
    patterns = PatternSet(("mlflow.log_*", "dill.loads", "*keras.callbacks.EarlyStopping"))
    text = "import json\nx = json.loads(s)\n"
    assert patterns.absent(words_of(text) or frozenset(), text)  # `loads` alone is not `dill.loads`
    text = "from tensorflow.keras import callbacks\ncallbacks.EarlyStopping()\n"
    assert not patterns.absent(words_of(text) or frozenset(), text)


def test_part_words_are_looked_for_in_the_text() -> None:
    patterns = PatternSet(("*lightning.profiler*",))
    assert patterns.absent(frozenset(), "import torch\n")
    assert not patterns.absent(frozenset(), "from pytorch_lightning.profilers import Simple\n")
    assert not PatternSet(("*",)).absent(frozenset(), "")  # nothing to look for: cannot tell


def test_words_only_of_ascii_text() -> None:
    assert words_of("model.fit(X, y=1)") == frozenset({b"model", b"fit", b"X", b"y", b"1"})
    assert words_of("ｍｌｆｌｏｗ.log()") is None  # NFKC turns this name into `mlflow`: no shortcut
