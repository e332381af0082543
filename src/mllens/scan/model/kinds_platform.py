"""Kinds of the platform around an ML workload that need more than one flat attribute:
identity policies with their statements, and sensitive-data discovery jobs.

A statement is normalised from every encoding a syntax has (a Terraform
`aws_iam_policy_document` block, `jsonencode({...})`, heredoc or string JSON; a
CloudFormation `PolicyDocument` map), so a judgement reads effect, actions, resources and
conditions the same way whichever wrote them. Each action keeps its own line where the
file shows it (a policy decoded from one string is otherwise placed at that attribute).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mllens.scan.model.kinds import Resource
from mllens.scan.model.values import Switch, Value


@dataclass(frozen=True, kw_only=True)
class Condition:
    operator: str  # StringEquals, Bool, Null ... (Terraform: test)
    key: str  # the condition key as written: aws:SecureTransport, sagemaker:VpcSubnets
    values: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Statement:
    """One policy statement. Lists hold literal strings only; an action given by a reference
    makes `action_references` true (what it allows is not known here)."""

    file: str
    line: int  # the statement's own line
    effect: Literal["Allow", "Deny"]
    actions: tuple[Value, ...] = ()
    not_actions: tuple[Value, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    condition_line: int = 0  # where the conditions are written (the statement's line when none)
    principals: bool = False  # names who may act: a trust or resource policy statement
    action_references: bool = False
    resource_line: int = 0  # the line of its first resource where the file shows it per item (0: not known)

    @property
    def action_names(self) -> tuple[str, ...]:
        return tuple(str(a.raw) for a in self.actions)

    def condition_keys(self) -> list[str]:
        return [c.key for c in self.conditions]


PolicyUse = Literal["identity", "resource", "document"]


@dataclass(frozen=True, kw_only=True)
class IdentityPolicy(Resource):
    """An IAM policy, role, user or group with its inline statements, a bucket policy, a
    reusable policy document, a managed-policy attachment or a project role binding.

    `use`: identity (what a role may do), resource (who may use a bucket: a bucket policy),
    document (a policy document whose use this file does not show)."""

    use: PolicyUse = "identity"
    statements: tuple[Statement, ...] = ()
    managed_policies: tuple[Value, ...] = ()  # attached managed policies (ARNs or names)
    roles: tuple[Value, ...] = ()  # roles granted by a binding (roles/editor)
    trusted_services: tuple[Value, ...] = ()  # services its trust policy lets assume it (a role)


@dataclass(frozen=True, kw_only=True)
class DataDiscoveryJob(Resource):
    """A job that scans stored data for sensitive information (Macie, Sensitive Data Protection)."""


@dataclass(frozen=True, kw_only=True)
class TagDefaults(Resource):
    """Tags a provider adds to every resource it creates (Terraform default_tags, default_labels)."""

    applies_to: str  # the provider whose resources get them: aws, google


@dataclass(frozen=True, kw_only=True)
class Function(Resource):
    """A function or stream consumer that runs part of the workload (an AWS Lambda function), or
    a setting of one as a resource of its own (its asynchronous-invocation configuration)."""

    tracing: Switch | None = None  # request tracing (X-Ray active tracing)
    async_retries: Value | None = None  # retries of a failed asynchronous invocation


@dataclass(frozen=True, kw_only=True)
class StateBackend(Resource):
    """Where Terraform keeps its state: the state holds every value the configuration reads,
    secrets included."""

    encrypted: Value  # the backend's own encryption flag (S3 backend `encrypt`)


@dataclass(frozen=True, kw_only=True)
class ProviderRequirement(Resource):
    """A Terraform provider a module uses and the versions it accepts (required_providers, or a
    provider block's own version argument)."""

    version: Value  # the constraint as written; absent when none
    module_dir: str  # the folder of the module (where its lock file would be)


@dataclass(frozen=True, kw_only=True)
class BootScript(Resource):
    """A virtual machine (or a launch template) and the script it runs at first boot (user data)."""

    script: Value  # the script text as written (absent when none, or when it is given by a function)
    lines: tuple[tuple[int, str], ...] = ()  # each line of the script with its line in the file


@dataclass(frozen=True, kw_only=True)
class Telemetry(Resource):
    """A sink that collects a workload's metrics, logs or traces: Application Insights, a Log
    Analytics workspace, diagnostic settings, a dashboard."""

    target: Value | None = None  # the resource whose logs and metrics it collects (diagnostic settings)


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A container cluster or node pool the workload's jobs and models run on (AKS, GKE): whether
    its nodes follow demand, and whether it sends container telemetry."""

    autoscaling: Value | None = None  # the node pool's autoscaler switch
    node_count: Value | None = None  # a fixed node count
    telemetry: Value | None = None  # the monitoring add-on (AKS oms_agent)
