"""CDK apps in Python: construct calls read with ast, never imported."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.cdk_python import read
from mllens.scan.model.kinds import ContainerRegistry, Deployment, Model, ModelRegistry, MonitoringSchedule, Notebook
from mllens.scan.parse import parse

APP = """\
import aws_cdk.aws_ecr as registry
from aws_cdk import Stack, aws_sagemaker as sm
from aws_cdk.aws_sagemaker import CfnModel

CAPTURE = {"enableCapture": True, "initialSamplingPercentage": 50}
SHARED = 1
SHARED = 2


class Serving(Stack):
    def __init__(self, scope, construct_id, *, key):
        super().__init__(scope, construct_id)
        CfnModel(self, "Model", execution_role_arn="arn",
                 vpc_config=sm.CfnModel.VpcConfigProperty(security_group_ids=["sg"], subnets=["s"]))
        sm.CfnEndpointConfig(
            self,
            "Config",
            kms_key_id=key,
            data_capture_config=CAPTURE,
            production_variants=[
                sm.CfnEndpointConfig.ProductionVariantProperty(initial_instance_count=SHARED, variant_name="a"),
                {"initialInstanceCount": 2, "variantName": "b"},
            ],
            **extra,
        )
        sm.CfnNotebookInstance(self, f"{construct_id}Nb", root_access="Disabled", instance_type="ml.t3.medium")
        sm.CfnModelPackageGroup(self, "Registry", model_package_group_name="churn")
        sm.CfnMonitoringSchedule(self, "Monitor", monitoring_schedule_name="m",
                                 monitoring_schedule_config={"monitoringType": "DataQuality"})
        registry.Repository(self, "Images", image_tag_mutability=registry.TagMutability.IMMUTABLE)
        print("not a construct", 1)
"""


def _state(text: str = APP):  # type: ignore[no-untyped-def]
    return state_of(ParsedFile("app.py", "python", text, parse("python", text)))


def test_constructs_in_the_order_written_with_their_modules() -> None:
    found = read(ParsedFile("app.py", "python", APP, parse("python", APP)))
    assert [(c.written, c.module, c.ident, c.line) for c in found] == [
        ("CfnModel", "sagemaker", "Model", 13),
        ("sm.CfnEndpointConfig", "sagemaker", "Config", 17),
        ("sm.CfnNotebookInstance", "sagemaker", '${f"{construct_id}Nb"}', 26),
        ("sm.CfnModelPackageGroup", "sagemaker", "Registry", 27),
        ("sm.CfnMonitoringSchedule", "sagemaker", "Monitor", 28),
        ("registry.Repository", "ecr", "Images", 30),
    ]


def test_l1_props_map_as_cloudformation_properties() -> None:
    state = _state()
    (model,) = state.of(Model)
    assert model.vpc is not None and model.vpc.written and model.vpc.line == 14
    (config,) = state.of(Deployment)
    assert config.key is not None and config.key.kind == "reference" and config.key.line == 18
    assert config.capture.enabled.raw is True and config.capture.enabled.line == 5  # followed to its variable
    # SHARED is assigned twice: not followed, a reference; the dict item is a literal
    assert [(v.instance_count.raw, v.instance_count.line) for v in config.variants] == [("${SHARED}", 21), (2, 22)]
    (notebook,) = state.of(Notebook)
    assert notebook.root_access is not None and notebook.root_access.value.raw == "Disabled"
    assert notebook.key is not None and not notebook.key.written and notebook.key.line == 26
    assert [s.monitoring_type.raw for s in state.of(MonitoringSchedule)] == ["DataQuality"]
    assert [r.address for r in state.of(ModelRegistry)] == ["Registry (sm.CfnModelPackageGroup)"]
    (repo,) = state.of(ContainerRegistry)
    assert repo.immutable_tags is not None and repo.immutable_tags.value.raw == "IMMUTABLE"


def test_a_broken_app_maps_to_nothing() -> None:
    text = "from aws_cdk import aws_sagemaker as sm\nsm.CfnModel(self, 'M'\n"
    broken = ParsedFile("app.py", "python", text, parser=lambda t: parse("python", t))
    assert state_of(broken).resources == ()  # the python family reports the syntax error
