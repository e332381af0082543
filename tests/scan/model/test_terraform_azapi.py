"""azapi_resource blocks map through the Azure type table, each key on its own line."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model.kinds import Resource, TrainingJob, Workspace
from mllens.scan.model.terraform import adapt
from mllens.scan.parse import parse

TF = """resource "azapi_resource" "ws" {
  type = "Microsoft.MachineLearningServices/workspaces@2025-04-01-preview"
  name = "ws"
  body = {
    properties = {
      description         = "publicNetworkAccess is set below"
      publicNetworkAccess = "Disabled"
    }
  }
}

resource "azapi_resource" "cluster" {
  type = "Microsoft.MachineLearningServices/workspaces/computes@2025-01-01-preview"
  name = "cluster"
  body = {
    properties = {
      computeType = "AmlCompute"
      properties = {
        scaleSettings = {
          minNodeCount = var.min_nodes
        }
      }
    }
  }
}

resource "azapi_resource" "site" {
  type = "Microsoft.Web/sites@2023-01-01"
  name = "site"
}
"""


def _resources() -> list[Resource]:
    return list(adapt(ParsedFile("infra/main.tf", "terraform", TF, parse("terraform", TF))))


def test_an_azapi_workspace_reads_its_body_at_the_line_of_each_key() -> None:
    workspace = next(r for r in _resources() if isinstance(r, Workspace))
    assert workspace.address == "azapi_resource.ws (workspaces)"
    assert workspace.public_access is not None
    assert (workspace.public_access.value.raw, workspace.public_access.value.line) == ("Disabled", 7)


def test_a_value_from_a_variable_stays_a_reference_and_other_types_are_not_mapped() -> None:
    found = _resources()
    cluster = next(r for r in found if isinstance(r, TrainingJob))
    assert cluster.min_nodes is not None
    assert (cluster.min_nodes.kind, cluster.min_nodes.line) == ("reference", 20)
    assert [r.type for r in found] == ["Microsoft.MachineLearningServices/workspaces",
                                       "Microsoft.MachineLearningServices/workspaces/computes"]
