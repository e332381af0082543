"""Tuning budgets read from SDK calls, settings dicts and AI Platform JSON text."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import TuningJob
from mllens.scan.parse import parse

CODE = '''
import kfp
from sagemaker.tuner import HyperparameterTuner

SETTINGS = {"max_jobs": 12, "max_parallel_jobs": 4}
SPEC = """{"hyperparameters": {"maxTrials": 8,
 "maxParallelTrials": 8}}"""


def tune(estimator):
    return HyperparameterTuner(estimator, "auc", {}, **SETTINGS)
'''


def test_a_dict_spread_into_a_tuner_is_read_once_and_json_text_is_read_too() -> None:
    file = ParsedFile("tune.py", "python", CODE, parse("python", CODE))
    jobs = sorted(state_of(file).of(TuningJob), key=lambda j: j.service)
    assert [(j.service, j.max_trials.raw, j.parallel.raw) for j in jobs] == [
        ("AI Platform Training", 8, 8),
        ("SageMaker", 12, 4),  # the settings dict, read once for the call it is spread into
    ]
    spec = jobs[0]
    assert (spec.max_trials.line, spec.parallel.line) == (6, 7)  # the spec's start, then where written
    assert not spec.early_stopping.written
