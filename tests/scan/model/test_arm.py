"""The ARM adapter: deployment templates into the same kinds as Bicep, with exact lines."""

from __future__ import annotations

import json

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.arm_read import read_json
from mllens.scan.model.kinds import Alarm, Deployment, Endpoint, Resource, Workspace
from mllens.scan.parse import parse

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
TEMPLATE = """\
{
  "$schema": "SCHEMA",
  "resources": [
    {
      "type": "Microsoft.MachineLearningServices/workspaces",
      "name": "[parameters('name')]",
      "properties": {"publicNetworkAccess": "Enabled"},
      "resources": [
        {
          "type": "onlineEndpoints",
          "name": "ep",
          "properties": {
            "authMode": "[[literal]",
            "publicNetworkAccess": "[parameters('access')]"
          },
          "resources": [
            {"type": "deployments", "name": "blue", "sku": {"capacity": 1}}
          ]
        }
      ]
    },
    {
      "type": "Microsoft.MachineLearningServices/workspaces/batchEndpoints",
      "name": "ws/batch"
    }
  ]
}
""".replace("SCHEMA", SCHEMA)


def _resources(text: str = TEMPLATE, path: str = "azuredeploy.json") -> list[Resource]:
    return list(state_of(ParsedFile(path, "json", text, parse("json", text))).resources)


def test_nested_resources_take_their_parent_type_and_their_own_lines() -> None:
    found = [(type(r).__name__, r.syntax, r.type.rsplit("/", 1)[-1], r.address, r.line) for r in _resources()]
    assert found == [
        ("Workspace", "arm", "workspaces", "[parameters('name')] (workspaces)", 4),
        ("Endpoint", "arm", "onlineEndpoints", "ep (onlineEndpoints)", 9),
        ("Deployment", "arm", "deployments", "blue (deployments)", 17),
        ("Endpoint", "arm", "batchEndpoints", "ws/batch (batchEndpoints)", 22),
    ]


def test_expressions_are_references_and_double_brackets_are_literals() -> None:
    resources = _resources()
    (endpoint, batch) = [r for r in resources if isinstance(r, Endpoint)]
    assert endpoint.public_access is not None
    value = endpoint.public_access.value
    assert (value.raw, value.kind, value.line) == ("${parameters('access')}", "reference", 14)
    assert endpoint.auth_mode is not None
    assert (endpoint.auth_mode.raw, endpoint.auth_mode.kind) == ("[literal]", "literal")
    assert batch.batch is not None and batch.batch.line == 22
    (workspace,) = [r for r in resources if isinstance(r, Workspace)]
    assert workspace.public_access is not None and workspace.public_access.value.line == 7
    (deployment,) = [r for r in resources if isinstance(r, Deployment)]
    assert deployment.variants[0].instance_count.raw == 1 and deployment.variants[0].instance_count.line == 17


def test_language_version_2_resources_are_a_mapping_of_symbolic_names() -> None:
    text = json.dumps(
        {
            "$schema": SCHEMA,
            "languageVersion": "2.0",
            "resources": {"ws": {"type": "Microsoft.MachineLearningServices/workspaces", "name": "mlw"}},
        },
        indent=2,
    )
    (workspace,) = _resources(text)
    assert isinstance(workspace, Workspace) and workspace.line == 5


def test_json_that_is_not_a_deployment_template_maps_to_no_azure_resource() -> None:
    parameters = json.dumps({"$schema": SCHEMA.replace("Template", "Parameters"), "parameters": {}})
    assert _resources(parameters) == []


def test_the_line_reader_agrees_with_json_and_keeps_lines() -> None:
    text = '{\n  "a": [1, 2.5, -3e2, true, null, "x\\"y"],\n  "b": {\n    "c": "\\u00e9"\n  }\n}\n'
    data = read_json(text)
    assert data == json.loads(text)
    assert (data.line, data.key_lines, data["a"].item_lines, data["b"].key_lines) == (
        1,
        {"a": 2, "b": 3},
        [2] * 6,
        {"c": 4},
    )
    assert read_json('{"a": ') is None


def test_values_through_arrays_are_read_item_by_item() -> None:
    text = json.dumps({"$schema": SCHEMA, "resources": [{
        "type": "Microsoft.Insights/metricAlerts", "name": "a", "properties": {"criteria": {"allOf": [
            {"metricNamespace": "[variables('ns')]", "metricName": "RequestLatency"},
            {"metricNamespace": "Microsoft.Storage/storageAccounts", "metricName": "UsedCapacity"}]}}}]}, indent=2)
    (alarm,) = _resources(text)
    assert isinstance(alarm, Alarm)
    found = [(m.namespace.raw, m.namespace.kind, m.name.raw, m.name.line) for m in alarm.metrics]
    assert found == [("${variables('ns')}", "reference", "RequestLatency", 12),
                     ("Microsoft.Storage/storageAccounts", "literal", "UsedCapacity", 16)]
