"""Serverless Framework services into the model: roles as identity policies, HTTP events of
model-serving functions as endpoints with their authorizer."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Endpoint, Resource
from mllens.scan.model.kinds_platform import IdentityPolicy
from mllens.scan.parse import parse


def _resources(text: str, path: str = "serverless.yml") -> list[Resource]:
    return list(state_of(ParsedFile(path, "yaml", text, parse("yaml", text))).resources)


V2 = """service: scoring
provider:
  name: aws
  iamRoleStatements:
    - Effect: Allow
      Action: [sagemaker:InvokeEndpoint]
      Resource: "*"
  iamManagedPolicies:
    - arn:aws:iam::aws:policy/AdministratorAccess
functions:
  infer:
    handler: app.infer
    events:
      - http: POST infer
      - schedule: rate(5 minutes)
  cleanup:
    handler: app.cleanup
    events:
      - http:
          path: cleanup
          method: delete
"""


def test_provider_role_with_managed_policies_and_statement_lines() -> None:
    policies = [r for r in _resources(V2) if isinstance(r, IdentityPolicy)]
    assert len(policies) == 1
    role = policies[0]
    assert (role.line, [s.line for s in role.statements], role.statements[0].action_names) == (
        4, [5], ("sagemaker:InvokeEndpoint",))
    assert [(m.raw, m.line) for m in role.managed_policies] == [("arn:aws:iam::aws:policy/AdministratorAccess", 9)]


def test_every_function_that_may_invoke_a_model_serves_one_and_a_bare_http_event_is_open() -> None:
    # the shared role may invoke an endpoint, so both functions count; the schedule is no endpoint
    endpoints = [r for r in _resources(V2) if isinstance(r, Endpoint)]
    assert [(e.address, e.line, e.auth_mode.raw if e.auth_mode else None) for e in endpoints] == [
        ("function infer (http event)", 14, "NONE"), ("function cleanup (http event)", 19, "NONE")]


def test_other_providers_and_other_yaml_are_not_serverless_services() -> None:
    google = "service: s\nprovider:\n  name: google\nfunctions:\n  predict:\n    handler: main.predict\n"
    assert _resources(google) == []
    compose = "services:\n  predict:\n    image: acme/model:1.0.0\n"
    assert _resources(compose, "docker-compose.yml") == []
