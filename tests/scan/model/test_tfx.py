from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Pipeline
from mllens.scan.parse import parse

TEXT = '''
from tfx import v1 as tfx

def create(root):
    trainer = tfx.extensions.google_cloud_ai_platform.Trainer(module_file="m.py")
    evaluator = tfx.components.Evaluator(model=trainer.outputs["model"], eval_config=None)
    pusher = tfx.components.Pusher(model=trainer.outputs["model"],
                                   model_blessing=evaluator.outputs["blessing"])
    return tfx.dsl.Pipeline(pipeline_name="p", pipeline_root=root, components=[trainer, evaluator, pusher])
'''


def test_a_tfx_pipeline_is_gated_by_the_evaluator_blessing_and_not_judged_for_a_registry() -> None:
    file = ParsedFile("pipeline.py", "python", TEXT, parse("python", TEXT))
    (found,) = state_of(file).of(Pipeline)
    assert (found.service, found.line) == ("TFX", 9)
    assert found.gate is not None and found.gate.written and found.gate.line == 6  # the Evaluator
    assert found.deploys is not None and found.deploys.line == 7
    assert found.trains is not None and found.trains.line == 5
    assert found.validates_data is not None and not found.validates_data.written
    assert found.registers is None  # TFX keeps pushed models in ML Metadata: no registry step is asked for
    # no component sets max_execution_retries: absent where the components are listed
    assert found.retries is not None and not found.retries.written


def test_components_never_assembled_here_give_no_pipeline() -> None:
    text = "from tfx.components import Trainer\ntrainer = Trainer(module_file='m.py')\n"
    file = ParsedFile("c.py", "python", text, parse("python", text))
    assert list(state_of(file).of(Pipeline)) == []


def test_a_pusher_given_the_blessing_through_an_args_dict_is_gated() -> None:
    text = '''
from tfx.components import Evaluator, Trainer
from tfx.orchestration import pipeline
from pushers import HFModelPusher

trainer = Trainer(module_file="m.py")
evaluator = Evaluator(model=trainer.outputs["model"], eval_config=None)
pusher_args = {"model": trainer.outputs["model"], "model_blessing": evaluator.outputs["blessing"]}
pusher = HFModelPusher(**pusher_args)
pipeline.Pipeline(pipeline_name="p", components=[trainer, evaluator, pusher])
'''
    (found,) = state_of(ParsedFile("p.py", "python", text, parse("python", text))).of(Pipeline)
    assert found.gate is not None and found.gate.written and found.gate.line == 7
    assert found.deploys is not None and (found.deploys.raw, found.deploys.line) == ("HFModelPusher", 9)
