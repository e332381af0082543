"""Azure Machine Learning CLI v2 YAML specs into the resource model.

A spec is one YAML document naming its JSON schema in `$schema` (see
mllens.scan.detectors._aml, which recognises the kind). Endpoints, deployments, compute,
workspaces, pipeline jobs and schedules are mapped; the resource sits on the `$schema` line
(the spec is the resource), and an unwritten setting is absent at the `name` line, where a
reader looks for it. A pipeline job's `jobs` are its steps (azureml_pipeline). Command and
sweep jobs, probes and registered assets are judged by the
azureml family itself (no other syntax writes them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._aml import AmlSpec, spec
from mllens.scan.detectors._iac import MISSING, as_bool
from mllens.scan.model import azureml_v1
from mllens.scan.model.azureml_pipeline import step_facts
from mllens.scan.model.kinds import (
    Capture,
    Deployment,
    Endpoint,
    Notebook,
    Pipeline,
    Resource,
    TrainingJob,
    Trigger,
    Variant,
    Workspace,
)
from mllens.scan.model.values import Switch, Value

_TYPES = {"online_endpoint": "managedOnlineEndpoint", "batch_endpoint": "batchEndpoint",
          "online_deployment": "managedOnlineDeployment", "batch_deployment": "batchDeployment",
          "compute_cluster": "amlCompute", "compute_instance": "computeInstance", "workspace": "workspace",
          "pipeline_job": "pipelineJob", "schedule": "schedule"}
_ML = frozenset({"online_endpoint", "batch_endpoint", "online_deployment", "batch_deployment", "compute_cluster",
                 "compute_instance", "workspace"})


class _Reader:
    def __init__(self, file: str, found: AmlSpec) -> None:
        self.file, self.spec, self.node = file, found, found.node
        self.line = self.node.line_of("$schema")
        self.unset_line = self.node.line_of("name")  # where an unwritten setting is looked for

    def at(self, path: str) -> Value:
        raw, line = self.node.at(path)
        return Value(raw, self.file, line if raw is not MISSING else self.unset_line, path)

    def first(self, *paths: str) -> Value:
        return next((v for v in map(self.at, paths) if not v.unset), self.at(paths[0]))

    def base(self, *, line: int | None = None) -> dict[str, Any]:
        kind = self.spec.kind
        return {"syntax": "azureml", "provider": "azure", "service": "Azure Machine Learning",
                "type": _TYPES.get(kind, kind), "name": self.spec.name, "address": self.spec.address,
                "file": self.file, "line": line or self.line, "ml": kind in _ML}


def _capture(r: _Reader) -> Capture:
    block = r.at("data_collector")
    collections = r.node.at("data_collector.collections")[0]
    enabled = isinstance(collections, Mapping) and any(
        isinstance(c, Mapping) and as_bool(c.get("enabled")) for c in collections.values())
    return Capture(block=block, enabled=Value(enabled, r.file, block.line, "data_collector collections"),
                   on_by_default=False, required=True)


def _endpoint(r: _Reader) -> Endpoint:
    batch = r.spec.kind == "batch_endpoint"
    return Endpoint(**r.base(), auth_mode=r.at("auth_mode"), auth_default="key",
                    public_access=None if batch else Switch(r.at("public_network_access"), ("disabled",), 0.6),
                    batch=Value(r.spec.kind, r.file, r.line, "$schema") if batch else None)


def _deployment(r: _Reader) -> Deployment:
    if r.spec.kind == "batch_deployment":
        return Deployment(**r.base(), batch=Value(r.spec.kind, r.file, r.line, "$schema"))
    variant = Variant(instance_count=r.at("instance_count"), instance_type=r.at("instance_type"),
                      serverless=Value.absent(r.file, r.unset_line, "serverless"))
    return Deployment(**r.base(), variants=(variant,), capture=_capture(r),
                      scaling=Switch(r.at("scale_settings.type"), ("target_utilization",), None),
                      egress=Switch(r.at("egress_public_network_access"), ("disabled",), None))


def _pipeline(r: _Reader) -> Pipeline:
    line = r.node.line_of("jobs") if r.node.has("jobs") else r.line
    return Pipeline(**r.base(line=line), **step_facts(r.file, r.node, line))


def _mappers() -> dict[str, Callable[[_Reader], Resource]]:
    return {
        "online_endpoint": _endpoint,
        "batch_endpoint": _endpoint,
        "online_deployment": _deployment,
        "batch_deployment": _deployment,
        "compute_cluster": lambda r: TrainingJob(**r.base(), min_nodes=r.at("min_instances"), priority=r.at("tier"),
                                                 idle_scale_down=r.at("idle_time_before_scale_down")),
        "compute_instance": lambda r: Notebook(**r.base(), idle_timeout=r.first(
            "idle_time_before_shutdown_minutes", "idle_time_before_shutdown", "schedules")),
        "workspace": lambda r: Workspace(**r.base(), key=r.at("customer_managed_key"),
                                         public_access=Switch(r.at("public_network_access"), ("disabled",), 0.6)),
        # the pipeline is its graph of jobs: evidence sits there
        "pipeline_job": _pipeline,
        "schedule": lambda r: Trigger(**r.base(), schedule=r.at("trigger"),
                                      pattern=Value.absent(r.file, r.unset_line, "event"), starts_pipeline=True,
                                      starts="an Azure ML job"),
    }


_MAPPERS = _mappers()


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The resource one Azure ML spec declares (none for jobs, assets and other YAML); a v1
    deployment configuration declares an endpoint and its deployment (azureml_v1)."""
    found = spec(file)
    if found is not None and found.kind == "v1_deployment":
        yield from azureml_v1.resources(file.path, found)
        return
    mapper = _MAPPERS.get(found.kind) if found is not None else None
    if found is not None and mapper is not None:
        yield mapper(_Reader(file.path, found))
