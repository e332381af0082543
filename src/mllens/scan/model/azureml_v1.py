"""Azure ML v1 deployment configurations (`az ml model deploy --dc deployment_config_aks.yml`,
the YAML form of AksWebservice / AciWebservice deploy_configuration) into the resource model.

One file configures one web service: an `Endpoint` (who may call it) and a `Deployment` (how
many containers serve it and whether they autoscale). AKS services authenticate with keys
unless `authEnabled: false`; ACI services have no authentication unless `authEnabled` or
`tokenAuthEnabled` is true, and run one container group that never scales.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mllens.scan.detectors._aml import AmlSpec
from mllens.scan.detectors._iac import MISSING, as_bool
from mllens.scan.model.kinds import Deployment, Endpoint, Resource, Variant
from mllens.scan.model.values import Switch, Value


def _at(file: str, found: AmlSpec, path: str, line: int) -> Value:
    raw, at = found.node.at(path)
    return Value(raw, file, at, path) if raw is not MISSING else Value.absent(file, line, path)


def _auth(file: str, found: AmlSpec, aci: bool, line: int) -> Value:
    """The flag that turns authentication on as written, or NONE (a literal the judgement reads
    as open) when it is off."""
    key, token = _at(file, found, "authEnabled", line), _at(file, found, "tokenAuthEnabled", line)
    if as_bool(token.raw):
        return token
    if as_bool(key.raw) is True:
        return key
    if as_bool(key.raw) is False or (aci and not key.written):
        return Value("NONE", file, key.line, "authEnabled")  # ACI's default is no authentication
    return key  # AKS, unset: key authentication by default


def resources(file: str, found: AmlSpec) -> Iterator[Resource]:
    line = found.node.line_of("computeType")
    aci = "ACI" in found.name
    base: dict[str, Any] = {"syntax": "azureml", "provider": "azure", "service": "Azure Machine Learning",
                            "type": "aciWebservice" if aci else "aksWebservice", "name": found.name,
                            "address": found.name, "file": file, "line": line, "ml": True}
    yield Endpoint(**base, auth_mode=_auth(file, found, aci, line), auth_default="" if aci else "key")
    if aci:  # one container group: a single instance, no scaling
        count = Value(1, file, line, "computeType ACI (one container group)")
        scaling = None
    else:
        count = _at(file, found, "numReplicas", line)
        scaling = Switch(_at(file, found, "autoScaler.autoscaleEnabled", line), ("true",), None)
    variant = Variant(instance_count=count, instance_type=Value.absent(file, line, "instance_type"),
                      serverless=Value.absent(file, line, "serverless"))
    yield Deployment(**base, variants=(variant,), scaling=scaling)
