"""Azure resource types into the model's kinds: one table, read by the Bicep and ARM readers.

Bicep and ARM JSON templates declare the same resource types with the same property names
(`properties.publicNetworkAccess`, `sku.capacity` ...), so a type is mapped once here and
each syntax only supplies an `AzureReader`: the value at a dotted property path with its
line and name, and the resource's identity. An unwritten property is absent at the line of
the resource. Azure Machine Learning types are mapped (every other type of that service is
kept as a plain ML `Resource`, for "ML infrastructure is declared as code"), and Azure
Monitor metric alerts and autoscale settings, whose metric namespace or target says what
they watch or scale.
Key Vault, storage, container registry and alert types are not mapped here (the platform
kinds' judgements do not read Bicep or ARM yet).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from mllens.scan.model.attributes_read import with_declared
from mllens.scan.model.kinds import (
    Alarm,
    Capture,
    Deployment,
    Endpoint,
    Metric,
    ModelRegistry,
    Notebook,
    Resource,
    ScalingTarget,
    TrainingJob,
    Trigger,
    Variant,
    Workspace,
)
from mllens.scan.model.values import Switch, Value

ML = "microsoft.machinelearningservices/"


class AzureReader(Protocol):
    """One declared resource of a Bicep or ARM template."""

    file: str
    line: int  # the resource's own line: where absent properties are placed

    def at(self, path: str, *, name: str | None = None) -> Value:
        """The property at a dotted path (`properties.encryption.status`); absent at `line`."""
        ...

    def every(self, path: str) -> list[Value]:
        """Every value at a dotted path that runs through arrays (each item's own value)."""
        ...

    def type_of(self, reference: str) -> str:
        """The type of the resource a reference names (`blue.id` in Bicep, a `resourceId(...)` in
        ARM), as far as this file says; "" when it cannot tell."""
        ...

    def base(self) -> dict[str, Any]:
        """syntax, provider, service, type, name, address, file, line and ml of the resource."""
        ...


def _absent(r: AzureReader, name: str) -> Value:
    return Value.absent(r.file, r.line, name)


def _first(r: AzureReader, *paths: str) -> Value:
    """The first of these properties that is set (not blank), else the first one."""
    for path in paths:
        value = r.at(path)
        if not value.unset:
            return value
    return r.at(paths[0])


def _workspace(r: AzureReader) -> Workspace:
    status = r.at("properties.encryption.status")
    if (status.as_str() or "").lower() == "disabled":
        # templates often keep the block switched off, with empty key fields
        key = Value("", r.file, status.line, "encryption.status = Disabled: keyIdentifier")
    else:
        key = r.at("properties.encryption.keyVaultProperties.keyIdentifier")
    # a managed network that allows only approved outbound traffic keeps its compute off the internet
    return Workspace(**r.base(), key=key, public_access=Switch(r.at("properties.publicNetworkAccess"), ("Disabled",),
                                                               0.6),
                     vpc_only=Switch(r.at("properties.managedNetwork.isolationMode"), ("AllowOnlyApprovedOutbound",),
                                     None))


def _compute(r: AzureReader) -> Resource:
    kind = (r.at("properties.computeType").as_str() or "").lower()
    if kind == "computeinstance":
        return Notebook(**r.base(),
                        idle_timeout=_first(r, "properties.properties.idleTimeBeforeShutdown",
                                            "properties.properties.schedules"),
                        internet_access=Switch(r.at("properties.properties.enableNodePublicIp"), ("false",), None))
    if kind == "amlcompute":
        return TrainingJob(**r.base(), min_nodes=r.at("properties.properties.scaleSettings.minNodeCount"),
                           priority=r.at("properties.properties.vmPriority"))
    return Resource(**r.base())


def _online_endpoint(r: AzureReader) -> Endpoint:
    return Endpoint(**r.base(), auth_mode=r.at("properties.authMode"),
                    public_access=Switch(r.at("properties.publicNetworkAccess"), ("Disabled",), 0.6))


def _capture(r: AzureReader) -> Capture:
    """The data collector of an online deployment: on when one of its collections is enabled."""
    block = r.at("properties.dataCollector")
    collections = r.at("properties.dataCollector.collections").raw
    enabled: Any = block.raw
    if isinstance(collections, Mapping):
        modes = [str(c.get("dataCollectionMode", "")) for c in collections.values() if isinstance(c, Mapping)]
        enabled = any(m.lower() == "enabled" for m in modes)
    return Capture(block=block, enabled=Value(enabled, r.file, block.line, "dataCollectionMode"),
                   on_by_default=False, required=True)


def _online_deployment(r: AzureReader) -> Deployment:
    variant = Variant(instance_count=r.at("sku.capacity"), instance_type=r.at("properties.instanceType"),
                      serverless=_absent(r, "serverless"))
    return Deployment(**r.base(), variants=(variant,), capture=_capture(r),
                      scaling=Switch(r.at("properties.scaleSettings.scaleType"), ("TargetUtilization",), None),
                      egress=Switch(r.at("properties.egressPublicNetworkAccess"), ("Disabled",), None))


def _batch(kind: type[Endpoint] | type[Deployment]) -> Callable[[AzureReader], Resource]:
    # The resource type itself says it scores in batch: evidence sits on its first line.
    return lambda r: kind(**r.base(), batch=Value(r.base()["type"], r.file, r.line, "type"))


def _schedule(r: AzureReader) -> Trigger:
    return Trigger(**r.base(), schedule=r.at("properties.trigger"), pattern=_absent(r, "eventPattern"),
                   starts_pipeline=True, starts="an Azure ML job")


def _metric_alert(r: AzureReader) -> Alarm:
    """An Azure Monitor metric alert: the metric of each criterion, with its namespace (a criterion
    without one borrows the first; an alert naming none is not judged)."""
    namespaces = r.every("properties.criteria.allOf.metricNamespace")
    names = r.every("properties.criteria.allOf.metricName")
    if not namespaces:
        return Alarm(**r.base())
    return Alarm(**r.base(), metrics=tuple(Metric(namespace=namespaces[i] if i < len(namespaces) else namespaces[0],
                                                  name=name) for i, name in enumerate(names)))


def _autoscale(r: AzureReader) -> ScalingTarget:
    """Azure Monitor autoscale settings: namespace "azureml" when they scale an Azure ML online
    deployment (how managed online endpoints autoscale), with the first profile's capacity."""
    target = r.at("properties.targetResourceUri")
    kind = r.type_of(str(target.raw)).lower()
    serving = kind.endswith("onlineendpoints/deployments") or "onlineendpoints" in str(target.raw).lower()
    lows, highs = r.every("properties.profiles.capacity.minimum"), r.every("properties.profiles.capacity.maximum")
    return ScalingTarget(**r.base(), namespace=Value("azureml" if serving else "azure", r.file, target.line,
                                                     target.name),
                         min_capacity=lows[0] if lows else _absent(r, "minimum"),
                         max_capacity=highs[0] if highs else _absent(r, "maximum"))


_TYPES: dict[str, Callable[[AzureReader], Resource]] = {
    ML + "workspaces": _workspace,
    ML + "workspaces/computes": _compute,
    ML + "workspaces/onlineendpoints": _online_endpoint,
    ML + "workspaces/onlineendpoints/deployments": _online_deployment,
    ML + "workspaces/batchendpoints": _batch(Endpoint),
    ML + "workspaces/batchendpoints/deployments": _batch(Deployment),
    ML + "workspaces/schedules": _schedule,
    ML + "registries": lambda r: ModelRegistry(**r.base()),
    "microsoft.insights/metricalerts": _metric_alert,
    "microsoft.insights/autoscalesettings": _autoscale,
}


def is_ml(resource_type: str) -> bool:
    return resource_type.lower().startswith(ML)


def map_resource(resource_type: str, reader: AzureReader) -> Resource | None:
    """The model's resource for one declared Azure resource; None for a type not in the model."""
    mapper = _TYPES.get(resource_type.lower())
    found = mapper(reader) if mapper is not None else Resource(**reader.base()) if is_ml(resource_type) else None
    return with_declared(found, reader.at) if found is not None else None  # what rules declare (reads:)


def base(reader: AzureReader, *, syntax: str, resource_type: str, name: str, shown: str) -> dict[str, Any]:
    """The identity fields every reader gives its resources (`shown`: the name in messages)."""
    return {"syntax": syntax, "provider": "azure",
            "service": "Azure Machine Learning" if is_ml(resource_type) else resource_type.split("/", 1)[0],
            "type": resource_type, "name": name, "address": f"{shown} ({resource_type.rsplit('/', 1)[-1]})",
            "file": reader.file, "line": reader.line, "ml": is_ml(resource_type)}
