from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Pipeline
from mllens.scan.parse import parse

V1 = '''
import kfp.dsl as dsl
import kfp.gcp as gcp
from kfp import components

train_op = components.load_component_from_file("train.yaml")


class Deploy(dsl.ContainerOp):
    def __init__(self, name):
        super().__init__(name=name, image="gcr.io/acme/deploy:latest")


@dsl.pipeline(name="p")
def p(threshold: float = 0.8):
    trained = train_op(data="gs://d").apply(gcp.use_gcp_secret("user-gcp-sa")).set_retry(3)
    with dsl.Condition(trained.outputs["accuracy"] > threshold):
        Deploy("deploy")
'''


def _pipeline(text: str) -> Pipeline:
    file = ParsedFile("pipeline.py", "python", text, parse("python", text))
    (found,) = state_of(file).of(Pipeline)
    return found


def test_a_kfp_v1_pipeline_gives_its_steps_retries_keys_and_images() -> None:
    found = _pipeline(V1)
    assert (found.service, found.address, found.line) == ("Kubeflow Pipelines", "KFP pipeline p", 15)
    assert found.trains is not None and (found.trains.raw, found.trains.line) == ("train_op", 16)
    assert found.deploys is not None and (found.deploys.raw, found.deploys.line) == ("deploy", 18)
    assert found.gate is not None and found.gate.written and found.gate.line == 17
    assert found.retries is not None and (found.retries.raw, found.retries.line) == (3, 16)
    assert [(k.raw, k.line) for k in found.key_secrets] == [("user-gcp-sa", 16)]
    assert [(i.raw, i.line) for i in found.images] == [("gcr.io/acme/deploy:latest", 11)]
    assert found.schedule is None  # scheduled outside this file, if at all


def test_an_imported_component_after_evaluation_is_no_gate() -> None:
    found = _pipeline('''
from kfp import dsl
from steps import evaluate, register_model, train

@dsl.pipeline(name="q")
def q():
    model = train()
    checked = evaluate(model=model.output)
    register_model(model=model.output).after(checked)
''')
    assert found.gate is not None and not found.gate.written
    assert found.registers is not None and found.registers.line == 9
    assert found.retries is not None and not found.retries.written and found.retries.line == 7
