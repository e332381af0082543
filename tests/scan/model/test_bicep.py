"""The Bicep adapter: declarations into the model's kinds, through the shared Azure type table."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    Alarm,
    Deployment,
    Endpoint,
    Notebook,
    Resource,
    ScalingTarget,
    TrainingJob,
    Workspace,
)
from mllens.scan.parse import parse

TEMPLATE = """\
param access string = 'Disabled'
param key string

resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}

resource ws 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
  name: 'mlw'
  properties: {
    publicNetworkAccess: access
    encryption: {
      keyVaultProperties: {
        keyIdentifier: key
      }
    }
  }

  resource dev 'computes@2024-04-01' = {
    name: 'dev'
    properties: {
      computeType: 'ComputeInstance'
      properties: {
        enableNodePublicIp: false
      }
    }
  }

  resource ep 'onlineEndpoints@2024-04-01' = {
    name: 'ep'
    properties: {
      authMode: 'Key'
    }

    resource blue 'deployments@2024-04-01' = {
      name: 'blue'
      sku: {
        capacity: 2
      }
      properties: {
        dataCollector: {
          collections: {
            model_inputs: {
              dataCollectionMode: 'Enabled'
            }
          }
        }
      }
    }
  }
}

resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2024-04-01' = {
  parent: ws
  name: 'train'
  properties: {
    computeType: 'AmlCompute'
    properties: {
      scaleSettings: {
        minNodeCount: 0
      }
    }
  }
}

resource aks 'Microsoft.MachineLearningServices/workspaces/computes@2024-04-01' = {
  parent: ws
  name: 'aks'
  properties: {
    computeType: 'Kubernetes'
  }
}
"""


def _resources(text: str = TEMPLATE) -> list[Resource]:
    return list(state_of(ParsedFile("main.bicep", "bicep", text, parse("bicep", text))).resources)


def test_declarations_map_to_kinds_with_their_symbol_and_child_types() -> None:
    found = [(type(r).__name__, r.syntax, r.type, r.address, r.line, r.ml) for r in _resources()]
    ml = "Microsoft.MachineLearningServices/workspaces"
    assert found == [
        ("Workspace", "bicep", ml, "ws (workspaces)", 8, True),
        ("Notebook", "bicep", f"{ml}/computes", "dev (computes)", 19, True),
        ("Endpoint", "bicep", f"{ml}/onlineEndpoints", "ep (onlineEndpoints)", 29, True),
        ("Deployment", "bicep", f"{ml}/onlineEndpoints/deployments", "blue (deployments)", 35, True),
        ("TrainingJob", "bicep", f"{ml}/computes", "cluster (computes)", 53, True),
        ("Resource", "bicep", f"{ml}/computes", "aks (computes)", 66, True),
    ]  # the `existing` Key Vault is a reference to another deployment, not declared here


def test_a_parameter_is_a_reference_even_with_a_default() -> None:
    (workspace,) = [r for r in _resources() if isinstance(r, Workspace)]
    assert workspace.public_access is not None
    value = workspace.public_access.value
    assert (value.raw, value.kind, value.line, value.name) == ("${access}", "reference", 11, "publicNetworkAccess")
    assert workspace.key is not None and (workspace.key.kind, workspace.key.line) == ("reference", 14)


def test_literals_are_decoded_and_absent_settings_sit_at_the_declaration() -> None:
    resources = _resources()
    (notebook,) = [r for r in resources if isinstance(r, Notebook)]
    assert notebook.internet_access is not None and notebook.internet_access.value.raw is False
    assert notebook.idle_timeout is not None
    assert (notebook.idle_timeout.kind, notebook.idle_timeout.line) == ("absent", 19)
    (cluster,) = [r for r in resources if isinstance(r, TrainingJob)]
    assert cluster.min_nodes is not None and (cluster.min_nodes.raw, cluster.min_nodes.line) == (0, 60)
    (endpoint,) = [r for r in resources if isinstance(r, Endpoint)]
    assert endpoint.auth_mode is not None and endpoint.auth_mode.raw == "Key" and endpoint.auth_default == ""


def test_a_deployment_reads_capacity_and_an_enabled_data_collection() -> None:
    (deployment,) = [r for r in _resources() if isinstance(r, Deployment)]
    (variant,) = deployment.variants
    assert (variant.instance_count.raw, variant.instance_count.line, variant.instance_count.name) == (2, 38, "capacity")
    assert deployment.capture is not None
    assert deployment.capture.block.line == 41 and deployment.capture.enabled.raw is True
    assert deployment.egress is not None and not deployment.egress.value.written


def test_a_file_declaring_no_azure_ml_resource_maps_to_nothing() -> None:
    text = "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'st'\n}\n"
    assert _resources(text) == []


def test_a_metric_alert_keeps_each_criterion_metric_with_its_namespace() -> None:
    text = """\
resource alert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'a'
  properties: {
    criteria: {
      allOf: [
        {
          metricNamespace: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints'
          metricName: 'RequestLatency'
        }
        {
          metricName: 'RequestsPerMinute'
        }
      ]
    }
  }
}
"""
    (alarm,) = _resources(text)
    assert isinstance(alarm, Alarm) and not alarm.ml
    assert [(m.namespace.raw.rsplit("/", 1)[-1], m.name.raw, m.name.line) for m in alarm.metrics] == [
        ("onlineEndpoints", "RequestLatency", 8), ("onlineEndpoints", "RequestsPerMinute", 11)]


def test_autoscale_settings_know_an_online_deployment_by_its_symbol() -> None:
    text = """\
resource blue 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2024-04-01' existing = {
  name: 'ws/ep/blue'
}

resource scale 'Microsoft.Insights/autoscalesettings@2022-10-01' = {
  name: 'scale'
  properties: {
    targetResourceUri: blue.id
    profiles: [
      {
        capacity: {
          minimum: '2'
          maximum: '6'
        }
      }
    ]
  }
}

resource other 'Microsoft.Insights/autoscalesettings@2022-10-01' = {
  name: 'other'
  properties: {
    targetResourceUri: plan.id
  }
}
"""
    scale, other = _resources(text)
    assert isinstance(scale, ScalingTarget) and isinstance(other, ScalingTarget)
    assert (scale.namespace.raw, scale.namespace.line, scale.min_capacity.as_int(), scale.max_capacity.line) == (
        "azureml", 8, 2, 13)
    assert other.namespace.raw == "azure" and not other.min_capacity.written
