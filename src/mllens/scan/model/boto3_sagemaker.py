"""boto3 SageMaker client calls into the resource model, their keyword dicts read statically.

A request to CreateEndpointConfig, CreateModel, CreateModelPackage, CreateMonitoringSchedule
... is spelled as the CloudFormation resource of the same name is (ProductionVariants,
DataCaptureConfig, KmsKeyId, VpcConfig ...), so it is handed to the CloudFormation adapter's
mapping (one mapping, as for CDK). CreateTrainingJob and CreateProcessingJob, which have no
CloudFormation resource, are read here (`training_request`, also used for the Airflow
operators' configs and tuning jobs' training definitions). UpdateEndpoint is read as the
Endpoint it updates; without a DeploymentConfig the service shifts all traffic to the new
configuration at once with no automatic rollback (its documented default), and so it is read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from mllens.scan.detectors._cfn import CfnResource
from mllens.scan.detectors._iac import Node
from mllens.scan.model.kinds import Endpoint, Resource, Rollout, TrainingJob
from mllens.scan.model.pyresolve import Call
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.values import Value
from mllens.scan.parse.yaml import YamlMap

# create_<x> -> the CloudFormation type whose properties its request spells alike
CFN_TYPES = {
    "create_endpoint_config": "EndpointConfig", "create_endpoint": "Endpoint", "create_model": "Model",
    "create_model_package": "ModelPackage", "create_model_package_group": "ModelPackageGroup",
    "create_monitoring_schedule": "MonitoringSchedule", "create_pipeline": "Pipeline",
    "create_notebook_instance": "NotebookInstance", "create_data_quality_job_definition": "DataQualityJobDefinition",
    "create_model_quality_job_definition": "ModelQualityJobDefinition",
    "create_model_bias_job_definition": "ModelBiasJobDefinition",
    "create_model_explainability_job_definition": "ModelExplainabilityJobDefinition",
    "create_feature_group": "FeatureGroup",
}  # fmt: skip


def as_cfn(code: Code, call: Call, props: YamlMap, rtype: str, address: str) -> Resource | None:
    """A request (or an operator's config part) through the CloudFormation mapping."""
    from mllens.scan.model.cloudformation import map_resource

    res = CfnResource(
        address,
        "AWS::SageMaker::" + rtype,
        props.line,
        Node.of(props, props.line),
        Node.of(YamlMap(props.line), props.line),
    )
    found = map_resource(code.file, res, serverless=set())
    if found is None:
        return None
    return dataclasses.replace(found, syntax="python", address=address, name=address, scripted=True)


def _sub(where: YamlMap, key: str) -> YamlMap:
    found = where.get(key)
    return found if isinstance(found, YamlMap) else YamlMap(where.line_of(key))


def training_request(
    code: Code, call: Call, request: YamlMap, *, address: str, processing: bool = False, type: str = "CreateTrainingJob"
) -> TrainingJob:
    """A CreateTrainingJob (or, with `processing`, CreateProcessingJob) request."""
    if processing:
        resources = _sub(_sub(request, "ProcessingResources"), "ClusterConfig")
        network = _sub(request, "NetworkConfig")
        output, vpc = _sub(request, "ProcessingOutputConfig"), _sub(network, "VpcConfig")
    else:
        resources, network, output = _sub(request, "ResourceConfig"), request, _sub(request, "OutputDataConfig")
        vpc = request
    spot = None if processing else code.at(request, "EnableManagedSpotTraining")
    return TrainingJob(
        **code.base(call, service="SageMaker", type=type, address=address),
        processing=processing,
        key=code.at(resources, "VolumeKmsKeyId"),
        output_key=code.at(output, "KmsKeyId"),
        instance_count=code.at(resources, "InstanceCount"),
        distribution=None if processing else Value.absent(code.file.path, call.line, "distribution"),
        inter_node_encryption=code.at(network, "EnableInterContainerTrafficEncryption"),
        network_isolation=code.at(network, "EnableNetworkIsolation"),
        vpc=code.at(vpc, "Subnets") if processing else code.at(vpc, "VpcConfig"),
        spot=spot,
        checkpoint=None if processing else code.at(request, "CheckpointConfig"),
        image=code.at(_sub(request, "AppSpecification"), "ImageUri") if processing
        else code.at(_sub(request, "AlgorithmSpecification"), "TrainingImage"),
    )


def _name(request: YamlMap, method: str) -> str:
    for key, value in request.items():
        if str(key).endswith("Name") and isinstance(value, str) and not value.startswith("${"):
            return f"{method} {value}"
    return method


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    for call in module.calls:
        func: Any = call.node.func
        method = getattr(func, "attr", "")
        if not method.startswith(("create_", "update_")) or method not in (
            *CFN_TYPES,
            "update_model_package",
            "update_endpoint",
            "create_training_job",
            "create_processing_job",
            "create_hyper_parameter_tuning_job",
        ):
            continue
        if "client(sagemaker)." not in module.qualified(call):
            continue
        request = module.keywords(call)
        address = _name(request, method)
        if method == "create_training_job":
            yield training_request(code, call, request, address=address)
        elif method == "create_processing_job":
            yield training_request(code, call, request, address=address, processing=True, type="CreateProcessingJob")
        elif method == "create_hyper_parameter_tuning_job":
            definition = request.get("TrainingJobDefinition")
            if isinstance(definition, YamlMap):
                yield training_request(code, call, definition, address=address, type="CreateHyperParameterTuningJob")
        elif method == "update_endpoint":
            found = as_cfn(code, call, request, "Endpoint", address)
            if isinstance(found, Endpoint) and found.rollout is None:
                found = dataclasses.replace(found, rollout=in_place(code, call.line, "DeploymentConfig"))
            if found is not None:
                yield found
        elif method == "update_model_package":
            # a script that sets a version's approval status decides it itself: judged as the
            # status a version is registered with (ml_resources.registry_approval). A notebook
            # cell run by hand is a person approving: no finding there.
            if "ModelApprovalStatus" in request and not code.file.path.endswith(".ipynb"):
                found = as_cfn(code, call, request, "ModelPackage", address)
                if found is not None:
                    yield found
        else:
            found = as_cfn(code, call, request, CFN_TYPES[method], address)
            if found is not None:
                yield found


def in_place(code: Code, line: int, name: str) -> Rollout:
    """An endpoint update with no deployment policy: the service's default, all traffic at once
    and no automatic rollback, named as the setting left out."""
    absent = Value.absent(code.file.path, line, name)
    return Rollout(block=absent, rolling=absent, auto_rollback=absent,
                   traffic_type=Value("ALL_AT_ONCE", code.file.path, line, f"{name} unset"))
