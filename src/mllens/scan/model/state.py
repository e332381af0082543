"""The resources one file declares, as the model's kinds, built once per file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from mllens.scan.context import ParsedFile
from mllens.scan.model.kinds import Resource

R = TypeVar("R", bound=Resource)


@dataclass(frozen=True)
class State:
    resources: tuple[Resource, ...] = ()

    def of(self, *kinds: type[R]) -> Iterator[R]:
        """Resources of these kinds, in the order the file declares them."""
        for res in self.resources:
            if isinstance(res, kinds):
                yield res

    @property
    def ml(self) -> list[Resource]:
        return [r for r in self.resources if r.ml]


def _build(file: ParsedFile) -> State:
    # Imported here: each adapter imports its syntax's helpers, and only the one a file needs runs.
    if file.kind == "terraform":
        from mllens.scan.model.terraform import adapt
    elif file.kind == "bicep":
        from mllens.scan.model.bicep import adapt
    elif file.kind == "json" and _azure_template(file):
        from mllens.scan.model.arm import adapt
    elif file.kind == "yaml" and _azureml_spec(file):
        from mllens.scan.model.azureml import adapt
    elif file.kind == "yaml" and _manifests(file):  # Kubernetes (chart templates and overlays too)
        from mllens.scan.model.kubernetes import adapt
    elif file.kind == "yaml" and _serverless(file):  # Serverless Framework services
        from mllens.scan.model.serverless import adapt
    elif file.kind in ("yaml", "json"):
        from mllens.scan.model.cloudformation import adapt
    elif file.kind in ("python", "text") and file.path.endswith((".py", ".ts")):  # CDK apps (a word test first)
        from mllens.scan.model.cdk import adapt

        if file.kind == "python":  # and the ML SDKs' calls (a word test first)
            from mllens.scan.model.python_sdk import adapt as sdk

            return State((*adapt(file), *sdk(file)))
    elif file.kind == "notebook":
        from mllens.scan.model.python_sdk import adapt
    else:
        return State()
    return State(tuple(adapt(file)))


def _manifests(file: ParsedFile) -> bool:
    docs = file.data if isinstance(file.data, list) else []
    return any(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs)


def _serverless(file: ParsedFile) -> bool:
    from mllens.scan.model.serverless import is_serverless

    return is_serverless(file)


def _azure_template(file: ParsedFile) -> bool:
    data = file.data
    return isinstance(data, dict) and "deploymenttemplate" in str(data.get("$schema", "")).lower()


def _azureml_spec(file: ParsedFile) -> bool:
    from mllens.scan.detectors._aml import spec

    return spec(file) is not None


def state_of(file: ParsedFile) -> State:
    """The file's resources, mapped once and shared by every judgement that reads them."""
    return file.memo("model.state", _build)
