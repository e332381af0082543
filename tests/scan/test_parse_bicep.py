"""The line-based Bicep reader: resources, nested children, loops, comments, values."""

from __future__ import annotations

from mllens.scan.parse.bicep import parse_bicep

TEMPLATE = """\
// a workspace with a child compute and a looped cluster
param location string = resourceGroup().location
param access string = 'Disabled'

resource ws 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
  name: 'mlw-demo' // trailing comment
  location: location
  properties: {
    publicNetworkAccess: access
    /* hbiWorkspace: true */
    encryption: {
      keyVaultProperties: {
        keyIdentifier: 'https://kv.vault.azure.net/keys/k/1'
      }
    }
  }

  resource ci 'computes@2024-04-01' = {
    name: 'dev'
    properties: {
      computeType: 'ComputeInstance'
    }
  }
}

resource clusters 'Microsoft.MachineLearningServices/workspaces/computes@2024-04-01' = [for n in names: {
  parent: ws
  name: n
  properties: {
    properties: {
      scaleSettings: {
        minNodeCount: 0
      }
    }
  }
}]

resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}
"""


def test_resources_types_lines_and_existing() -> None:
    found = {r.symbol: r for r in parse_bicep(TEMPLATE)}
    assert [(r.symbol, r.type, r.line) for r in parse_bicep(TEMPLATE)] == [
        ("ws", "Microsoft.MachineLearningServices/workspaces", 5),
        ("ci", "Microsoft.MachineLearningServices/workspaces/computes", 18),
        ("clusters", "Microsoft.MachineLearningServices/workspaces/computes", 26),
        ("kv", "Microsoft.KeyVault/vaults", 38),
    ]
    assert found["kv"].existing and not found["ws"].existing


def test_property_paths_values_and_literals() -> None:
    found = {r.symbol: r for r in parse_bicep(TEMPLATE)}
    ws = found["ws"]
    name = ws.get("name")
    assert name is not None and (name.text, name.line, name.literal) == ("mlw-demo", 6, True)
    access = ws.get("properties.publicNetworkAccess")
    assert access is not None and (access.text, access.literal) == ("access", False)
    key = ws.get("properties.encryption.keyVaultProperties.keyIdentifier")
    assert key is not None and key.line == 13
    assert ws.get("properties.hbiWorkspace") is None  # commented out
    compute_type = found["ci"].get("properties.computeType")
    assert compute_type is not None and compute_type.text == "ComputeInstance"
    low = found["clusters"].get("properties.properties.scaleSettings.minNodeCount")
    assert low is not None and (low.text, low.literal, low.line) == ("0", True, 32)
