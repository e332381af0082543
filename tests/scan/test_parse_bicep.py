"""The Bicep reader (tree-sitter-bicep): resources, nested children, loops, comments, values."""

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


def test_one_line_objects_multiline_strings_and_interpolation() -> None:
    text = (
        "resource ep 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints@2024-04-01' = {\n"
        "  name: 'ep-${env}'\n"
        "  tags: { team: 'ml', cost: 3 }\n"
        "  properties: {\n"
        "    description: '''\n"
        "two lines\n"
        "'''\n"
        "    authMode: 'Key'\n"
        "  }\n"
        "}\n"
    )
    (endpoint,) = parse_bicep(text)
    name = endpoint.get("name")
    assert name is not None and (name.text, name.literal) == ("'ep-${env}'", False)  # an expression
    team, cost = endpoint.get("tags.team"), endpoint.get("tags.cost")
    assert team is not None and cost is not None
    assert (team.text, team.line, cost.text, cost.literal) == ("ml", 3, "3", True)
    mode = endpoint.get("properties.authMode")
    assert mode is not None and (mode.text, mode.line) == ("Key", 8)


def test_syntax_the_grammar_lacks_does_not_hide_the_resources() -> None:
    # tree-sitter-bicep 1.1 knows neither `extension` nor the `...` spread: the file is read around them
    text = (
        "extension microsoftGraphV1\n"
        "var base = { a: 1 }\n"
        "var more = { ...base, b: 2 }\n"
        "resource ws 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {\n"
        "  name: 'w'\n"
        "  properties: {\n"
        "    publicNetworkAccess: 'Disabled'\n"
        "  }\n"
        "}\n"
    )
    (workspace,) = parse_bicep(text)
    access = workspace.get("properties.publicNetworkAccess")
    assert (workspace.symbol, workspace.line) == ("ws", 4)
    assert access is not None and (access.text, access.line, access.literal) == ("Disabled", 7, True)


def test_array_items_keep_the_array_path() -> None:
    text = (
        "resource ws 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {\n"
        "  properties: {\n"
        "    ipRules: [\n"
        "      { value: '10.0.0.0/8' }\n"
        "      { value: '192.168.0.0/16' }\n"
        "    ]\n"
        "  }\n"
        "}\n"
    )
    (workspace,) = parse_bicep(text)
    assert [(v.text, v.line) for v in workspace.props["properties.ipRules.value"]] == [
        ("10.0.0.0/8", 4),
        ("192.168.0.0/16", 5),
    ]
    assert workspace.has("properties.ipRules") and not workspace.has("properties.ip")
