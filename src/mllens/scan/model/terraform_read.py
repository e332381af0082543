"""Reading one Terraform block's values for the model: value, file, line and name."""

from __future__ import annotations

from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import Node
from mllens.scan.detectors._tf import Block, is_ml
from mllens.scan.model.bindings_read import resolver_of
from mllens.scan.model.values import Value

# For messages: the service a resource type belongs to (other types: the provider's name).
_SERVICES = {"aws_sagemaker_": "SageMaker", "google_vertex_ai_": "Vertex AI",
             "google_workbench_": "Vertex AI Workbench",
             "google_notebooks_": "Vertex AI Workbench", "azurerm_machine_learning_": "Azure Machine Learning"}
_TAGS = {"aws": "tags", "google": "labels", "azurerm": "tags"}


class Reader:
    """Values of one block, located in one file."""

    def __init__(self, file: ParsedFile, block: Block) -> None:
        self.file, self.block = file.path, block
        self.rtype, self.root = block.type, block.node  # for the attribute table (attributes_read)
        self.source = file  # the parsed file, for what only its text shows (an action's line)
        self.resolve = resolver_of(file)

    def at(self, path: str, *, node: Node | None = None, name: str | None = None) -> Value:
        """The value at `path`, with what its variables and locals resolve to (see bindings)."""
        raw, line = (node or self.block.node).at(path)
        return self.resolve(Value(raw, self.file, line, name or path))

    def block_value(self, node: Node, key: str) -> Value:
        """A nested block as a value: present at its first line, absent at the holder's line."""
        if not node.has(key):
            return Value.absent(self.file, node.line, key)
        return Value(node.get(key), self.file, node.line_of(key), key)

    def base(self) -> dict[str, Any]:
        b = self.block
        provider = b.type.split("_", 1)[0]
        service = next((s for p, s in _SERVICES.items() if b.type.startswith(p)), provider.upper())
        return {"syntax": "terraform", "provider": {"azurerm": "azure"}.get(provider, provider), "service": service,
                "type": b.type, "name": b.name, "address": b.address, "file": self.file, "line": b.line,
                "ml": is_ml(b), **self._tags(provider)}

    def _tags(self, provider: str) -> dict[str, Any]:
        """Tags (AWS, Azure) or labels (Google) of a resource, and whose default tags may apply."""
        attr = _TAGS.get(provider)
        if self.block.kind != "resource" or attr is None:
            return {}
        return {"tags": self.at(attr), "tag_defaults": provider}
