from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Pipeline
from mllens.scan.parse import parse


def _pipelines(text: str) -> list[Pipeline]:
    return list(state_of(ParsedFile("flow.py", "python", text, parse("python", text))).of(Pipeline))


def test_a_metaflow_flow_reads_steps_retries_schedule_and_images() -> None:
    (found,) = _pipelines('''
from metaflow import FlowSpec, batch, retry, step, trigger

@trigger(event="new_data")
class F(FlowSpec):
    @step
    def start(self):
        self.next(self.train)

    @retry
    @batch(image="acme/train@sha256:''' + "a" * 64 + '''")
    @step
    def train(self):
        self.next(self.end)

    @step
    def end(self):
        pass
''')
    assert (found.service, found.address, found.line) == ("Metaflow", "Metaflow flow F", 5)
    assert found.schedule is not None and found.schedule.written and found.schedule.line == 4
    assert found.retries is not None and found.retries.written and found.retries.line == 10
    assert found.trains is not None and found.trains.line == 13
    assert [i.line for i in found.images] == [11]
    assert found.deploys is not None and not found.deploys.written


def test_a_prefect_2_flow_is_gated_by_an_if_on_a_metric_and_scheduled_by_serve() -> None:
    (found,) = _pipelines('''
from prefect import flow, task

@task(retries=2)
def train_model():
    return 0.9

@task
def deploy_model():
    pass

@flow
def retrain():
    auc = train_model()
    if auc > 0.8:
        deploy_model()

retrain.serve(name="r", interval=3600)
''')
    assert found.gate is not None and found.gate.written and found.gate.line == 15
    assert found.retries is not None and (found.retries.raw, found.retries.line) == (2, 4)
    assert found.schedule is not None and (found.schedule.name, found.schedule.line) == ("interval", 18)


def test_a_file_importing_neither_gives_no_flow() -> None:
    assert _pipelines("class FlowSpec:\n    pass\n\nclass F(FlowSpec):\n    pass\n") == []


def test_a_prefect_1_flow_is_gated_by_case_and_scheduled_by_its_schedule() -> None:
    (found,) = _pipelines('''
from prefect import Flow, case, task
from prefect.schedules import IntervalSchedule

@task(max_retries=3)
def train_model():
    return True

@task
def deploy_model():
    pass

with Flow("retrain", schedule=IntervalSchedule(interval=86400)) as flow:
    good = train_model()
    with case(good, True):
        deploy_model()
''')
    assert found.address == "Prefect flow at line 13"
    assert found.schedule is not None and found.schedule.written and found.schedule.line == 13
    assert found.gate is not None and (found.gate.name, found.gate.line) == ("case", 15)
    assert found.retries is not None and (found.retries.name, found.retries.raw) == ("max_retries", 3)
