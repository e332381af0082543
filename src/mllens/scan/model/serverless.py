"""Serverless Framework services (serverless.yml) into the model's kinds.

A service deploys AWS Lambda functions through CloudFormation; what the model carries of it:
- the IAM statements its functions run with, as `IdentityPolicy`s: the provider's shared role
  (`provider.iamRoleStatements`, or `provider.iam.role.statements` and `managedPolicies` in v3)
  and each function's own role (`functions.<name>.iamRoleStatements`, the per-function roles
  plugin), so the IAM judgements read them like any other policy, and the CloudFormation the
  service adds under `resources.Resources` is read as a template;
- each HTTP event (`http` for API Gateway REST, `httpApi` for HTTP APIs) of a function that
  serves a model, as an `Endpoint` whose `auth_mode` is its authorizer (or `private: true`, an
  API key), and the literal NONE when it has neither: API Gateway then lets anyone call it.

A function serves a model when its role may invoke a SageMaker endpoint or a Bedrock model,
its environment names one, or its name or handler says so (predict, inference, score, model
...). Other functions' APIs are not the ML workload's endpoints and are not judged here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import Node
from mllens.scan.model.identity import statement
from mllens.scan.model.kinds import Endpoint, Resource
from mllens.scan.model.kinds_platform import IdentityPolicy, Statement, TagDefaults
from mllens.scan.model.values import Value

_FILE = re.compile(r"(^|/)serverless(\.[\w\-]+)?\.ya?ml$", re.IGNORECASE)
_SERVES = re.compile(r"predict|inferen|infer\b|score|scoring|model|classif|recommend|generate|embed", re.IGNORECASE)
_INVOKES = re.compile(r"^(sagemaker:InvokeEndpoint|sagemaker:\*|bedrock:Invoke|bedrock:\*)", re.IGNORECASE)
_ENV = re.compile(r"SAGEMAKER|ENDPOINT|MODEL", re.IGNORECASE)


def _line(holder: Any, key: Any, default: int) -> int:
    line_of = getattr(holder, "line_of", None)
    return int(line_of(key)) if line_of is not None else default


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _document(file: ParsedFile) -> Mapping[str, Any] | None:
    docs = file.data if isinstance(file.data, list) else []
    data = docs[0] if len(docs) == 1 and isinstance(docs[0], Mapping) else None
    if data is None or "functions" not in data or "provider" not in data:
        return None
    provider = data.get("provider")
    name = provider.get("name") if isinstance(provider, Mapping) else provider
    if str(name).lower() != "aws" or not ("service" in data or _FILE.search(file.path)):
        return None
    return data


def is_serverless(file: ParsedFile) -> bool:
    """A Serverless Framework service for AWS (its functions and a provider named aws)."""
    return file.kind == "yaml" and "functions" in file.text and _document(file) is not None


def _statements(items: Any, file: str, line: int) -> tuple[Statement, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(statement(Node.of(item, _line(items, i, line)), file)
                 for i, item in enumerate(items) if isinstance(item, Mapping))


class _Service:
    def __init__(self, file: ParsedFile, data: Mapping[str, Any]) -> None:
        self.file, self.data = file.path, data
        self.name = str(data.get("service") or "service")

    def base(self, kind: str, name: str, line: int) -> dict[str, Any]:
        return {"syntax": "cloudformation", "provider": "aws", "service": "AWS Lambda (Serverless Framework)",
                "type": kind, "name": name, "address": f"{name} ({kind})", "file": self.file, "line": line}

    def policy(self, holder: Mapping[str, Any], key: str, name: str, managed: Any = None,
               managed_key: str = "", spelled: str = "") -> IdentityPolicy | None:
        items = holder.get(key)
        if items is None and managed is None:
            return None
        line = _line(holder, key, getattr(holder, "line", 1)) if items is not None else _line(holder, managed_key, 1)
        arns = tuple(Value(a, self.file, _line(managed, i, line), managed_key)
                     for i, a in enumerate(managed) if isinstance(a, str)) if isinstance(managed, list) else ()
        return IdentityPolicy(**self.base(spelled or key, name, line), use="identity",
                              statements=_statements(items, self.file, line), managed_policies=arns)


def _serves_a_model(name: str, fn: Mapping[str, Any], policies: list[IdentityPolicy]) -> bool:
    if _SERVES.search(name) or _SERVES.search(str(fn.get("handler", ""))):
        return True
    if any(_ENV.search(str(k)) for k in _mapping(fn.get("environment"))):
        return True
    return any(_INVOKES.match(a) for p in policies for s in p.statements for a in s.action_names)


def _authorizer(event: Any, line: int, file: str) -> Value:
    """How callers of one HTTP event authenticate; the literal NONE when nothing is set."""
    if isinstance(event, Mapping):
        for key in ("authorizer", "private"):
            value = event.get(key)
            if value in (None, False, ""):
                continue
            if isinstance(value, Mapping):
                value = value.get("type") or value.get("name") or value.get("arn") or "a custom authorizer"
            shown = "true (an API key)" if key == "private" else str(value)
            return Value(shown, file, _line(event, key, line), key)
    return Value("NONE", file, line, "authorizer")


def adapt(file: ParsedFile) -> Iterator[Resource]:
    data = _document(file)
    if data is None:
        return
    service = _Service(file, data)
    provider = _mapping(data.get("provider"))
    role = _mapping(_mapping(provider.get("iam")).get("role"))
    shared = (service.policy(provider, "iamRoleStatements", f"{service.name} provider role",
                             provider.get("iamManagedPolicies"), "iamManagedPolicies")
              or service.policy(role, "statements", f"{service.name} provider role",
                                role.get("managedPolicies"), "managedPolicies", "iam.role.statements"))
    if shared is not None:
        yield shared
    functions = data.get("functions")
    serves = tagged = False
    for name, fn in _mapping(functions).items():
        if not isinstance(fn, Mapping):
            continue
        own = service.policy(fn, "iamRoleStatements", f"function {name} role")
        if own is not None:
            yield own
        policies = [p for p in (own, shared) if p is not None]
        if not _serves_a_model(str(name), fn, policies):
            continue
        serves = True
        events = fn.get("events")
        for index, item in enumerate(events if isinstance(events, list) else []):
            kind = next((k for k in ("http", "httpApi") if isinstance(item, Mapping) and k in item), None)
            if kind is None:
                continue
            line = _line(events, index, _line(functions, name, 1))
            yield Endpoint(**service.base(f"{kind} event", f"function {name}", line),
                           auth_mode=_authorizer(item[kind], line, file.path))
        tagged = tagged or "tags" in fn
    if serves:  # a service that serves a model: does it tag what it deploys?
        yield _tags(service, data, provider, tagged)
    yield from _template(file, data)


def _tags(service: _Service, data: Mapping[str, Any], provider: Mapping[str, Any], tagged: bool) -> Resource:
    """The tags the service puts on its stack and functions (provider.tags, provider.stackTags, or a
    function's own tags); absent at the provider block when none is written."""
    key = next((k for k in ("tags", "stackTags") if k in provider), None)
    line = _line(data, "provider", 1)
    if key is not None:
        tags = Value(provider[key], service.file, _line(provider, key, line), f"provider.{key}")
    elif tagged:
        tags = Value("functions' own tags", service.file, line, "functions.tags")
    else:
        tags = Value.absent(service.file, line, "provider.tags")
    return TagDefaults(**service.base("provider", service.name, line), tags=tags, applies_to="serverless")


def _template(file: ParsedFile, data: Mapping[str, Any]) -> Iterator[Resource]:
    """The CloudFormation the service adds (`resources.Resources`), read as a template."""
    nested = data.get("resources")
    if isinstance(nested, Mapping) and isinstance(nested.get("Resources"), Mapping):
        from mllens.scan.model.cloudformation import adapt as cloudformation

        yield from cloudformation(ParsedFile(file.path, "yaml", file.text, [nested]))
