"""Kubeflow Pipelines (KFP v1 and v2 SDK) pipeline functions into the resource model, read statically.

A function decorated `@dsl.pipeline` is a `Pipeline`; the calls written in its body that
create tasks are its steps: a `dsl.ContainerOp` (or a class built on it), a component
function (`@dsl.component`, `load_component_from_*`, `create_component_from_func`, or one
imported from another module). Each step is named by its `name=` or first string argument
and its callee (see `steps` for roles). Read from the same body:

- retries: the first `.set_retry(...)` of a task (absent at the first step: none set);
- the gate: a register or deploy step under `with dsl.Condition(...)` / `dsl.If(...)` whose
  test reads a task's output (a condition on pipeline parameters only is a switch, no gate);
- long-lived cloud keys: `use_gcp_secret` / `use_aws_secret` / `use_azure_secret` applied to
  a task (a key file or access keys mounted from a Kubernetes secret);
- images: `image=` / `base_image=` of KFP calls and of `super().__init__` in ContainerOp classes;
- resources: `.set_memory_limit(...)`, `.set_cpu_request(...)` ... of a task (a training task's first);
- secrets: the first task given credentials from a Kubernetes secret (`kfp.kubernetes.use_secret_as_env`
  or `_as_volume`, `use_k8s_secret`, or one of the cloud key helpers above);
- the exit handler: `with dsl.ExitHandler(task):` (a task that runs however the run ends);
- schedule: a `create_recurring_run` call in the same file (else not judged: KFP pipelines
  are usually scheduled from the UI or another script).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from mllens.scan.model.kinds import Pipeline, Resource
from mllens.scan.model.pyresolve import Call
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import Step, base, facts, literal, roles_of, service_of, trees, words
from mllens.scan.model.values import Value

_CONDITIONS = ("Condition", "If", "Elif", "Else")
_KEY_HELPERS = ("use_gcp_secret", "use_aws_secret", "use_azure_secret")
_SECRET_HELPERS = ("use_secret_as_env", "use_secret_as_volume", "use_k8s_secret", *_KEY_HELPERS)
_SIZING = ("set_memory_limit", "set_memory_request", "set_cpu_limit", "set_cpu_request", "add_resource_limit",
           "add_resource_request")
_NOT_STEPS = {"print", "str", "int", "float", "bool", "len", "dict", "list", "tuple", "range", "format", "open",
              "super", "isinstance", "getattr", "setattr", "zip", "enumerate", "sorted", "min", "max"}  # fmt: skip
Lines = Callable[[int], int]
_NAME = re.compile(r"[A-Za-z][\w -]{0,62}")


def _kfp(name: str) -> bool:
    return name == "kfp" or name.startswith("kfp.")


class _Reader:
    def __init__(self, code: Code, lines: Lines) -> None:
        self.code, self.lines = code, lines
        self.calls = {(c.line, c.node.col_offset): c for c in code.module.calls}
        self.steps: list[Step] = []
        self.retry: Value | None = None
        self.keys: list[Value] = []
        self.kept: dict[str, int] = {}  # the name a task is kept under -> its step
        self.orders: list[tuple[str, list[str], int]] = []  # task.after(other, ...): (task, others, line)
        self.sized: list[tuple[Value, frozenset[str]]] = []  # a resource setting and its task's roles
        self.secret: Value | None = None
        self.exit: Value | None = None

    def call(self, node: ast.Call) -> Call | None:
        return self.calls.get((self.lines(node.lineno), node.col_offset))

    def name(self, node: ast.Call) -> str:
        call = self.call(node)
        return self.code.module.qualified(call) if call is not None else ""

    def body(self, statements: list[ast.stmt], gate: Value | None) -> None:
        for stmt in statements:
            if isinstance(stmt, ast.With):
                self.body(stmt.body, self._gate(stmt) or gate)
            elif isinstance(stmt, ast.If | ast.For):
                self.body(stmt.body, gate)
                self.body(stmt.orelse, gate)
            elif isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign) and isinstance(stmt.value, ast.Call):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
                self._statement(stmt.value, gate, [_target(t) for t in targets if t is not None])

    def _gate(self, stmt: ast.With) -> Value | None:
        for item in stmt.items:
            expr = item.context_expr
            if not isinstance(expr, ast.Call) or not _kfp(name := self.name(expr)):
                continue
            if name.endswith(".ExitHandler") and self.exit is None:
                self.exit = Value(ast.unparse(expr)[:120], self.code.file.path, self.lines(expr.lineno), "ExitHandler")
            if name.rsplit(".", 1)[-1] in _CONDITIONS and _reads_output(expr):
                return Value(ast.unparse(expr)[:120], self.code.file.path, self.lines(expr.lineno),
                             ast.unparse(expr.func))
        return None

    def _statement(self, node: ast.Call, gate: Value | None, targets: list[str]) -> None:
        sizing: list[tuple[Value, str]] = []  # each with the task it is set on, when that is a name
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Call):
                continue
            name = self.name(inner)
            if _kfp(name) and name.endswith(_SECRET_HELPERS) and self.secret is None:
                self.secret = Value(name.rsplit(".", 1)[-1], self.code.file.path, self.lines(inner.lineno),
                                    name.rsplit(".", 1)[-1])
            if isinstance(inner.func, ast.Attribute) and inner.func.attr in _SIZING:
                amount = literal(inner.args[0]) if inner.args else ""
                at = inner.func.end_lineno or inner.lineno  # the method's own line in a chain over many lines
                sizing.append((Value(amount or "${value}", self.code.file.path, self.lines(at),
                                     inner.func.attr), _target(inner.func.value)))
            if _kfp(name) and name.endswith(_KEY_HELPERS):
                self.keys.append(Value(literal(inner.args[0]) if inner.args else name, self.code.file.path,
                                       self.lines(inner.lineno), name.rsplit(".", 1)[-1]))
            if isinstance(inner.func, ast.Attribute) and inner.func.attr == "after":
                self.orders.append((_target(inner.func.value), [_target(a) for a in inner.args],
                                    self.lines(inner.lineno)))
            if isinstance(inner.func, ast.Attribute) and inner.func.attr == "set_retry" and self.retry is None:
                arg = inner.args[0] if inner.args else next((k.value for k in inner.keywords), None)
                raw = arg.value if isinstance(arg, ast.Constant) else "${retries}"
                self.retry = Value(raw, self.code.file.path, self.lines(inner.lineno), "set_retry")
        # the task is the innermost call of a chain: Train(...).apply(...).set_retry(2)
        while isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call):
            node = node.func.value
        step = self._step(node, gate, targets)
        if step is not None:
            self.steps.append(step)
            self.kept.update((t, len(self.steps) - 1) for t in targets if t)
        for value, task in sorted(sizing, key=lambda found: found[0].line):  # in the chain, or on a kept task
            owner = step if step is not None else self.steps[self.kept[task]] if task in self.kept else None
            self.sized.append((value, owner.roles if owner is not None else frozenset()))

    def resources(self) -> Value | None:
        """Where a step's CPU or memory is set: a training step's first setting, else the first one."""
        return next((v for v, roles in self.sized if "train" in roles), self.sized[0][0] if self.sized else None)

    def ordered(self) -> list[Step]:
        """The steps, a release marked where `.after(...)` orders it after an evaluation step
        without a condition on its result."""
        steps = list(self.steps)
        for task, others, line in self.orders:
            index = self.kept.get(task)
            if index is None or not steps[index].roles & {"deploy", "register"}:
                continue
            if any(o in self.kept and "evaluate" in steps[self.kept[o]].roles for o in others):
                steps[index] = replace(steps[index], ordered_after=line)
        return steps

    def _step(self, node: ast.Call, gate: Value | None, targets: list[str]) -> Step | None:
        func = node.func
        if isinstance(func, ast.Attribute) and not (
            isinstance(func.value, ast.Name) and func.value.id in self.code.module.imports
        ):
            return None  # a method of a task or of another object: no new task
        name = self.name(node)
        written = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        last = name.rsplit(".", 1)[-1] if name else written
        if not written or written in _NOT_STEPS or (_kfp(name) and not last.endswith("Op") and "()" not in name):
            return None
        label = literal(next((k.value for k in node.keywords if k.arg == "name"), None))
        first = literal(node.args[0]) if node.args else ""
        label = label or (first if _NAME.fullmatch(first) else "")  # a name, not a path or a query
        # named by its name= (or first string), the component called, and the variable it is kept in
        roles = roles_of(written, label, *targets)
        service = service_of(written, label, *targets, name) if roles & {"train", "tune"} else ""
        return Step(label or written, self.lines(node.lineno), roles, gate, service)


def _target(node: ast.expr) -> str:
    """The name a task is kept under: `train = ...`, `ops["train"] = ...`."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value  # ops["train"].set_retry(2).after(...): the task it starts from
    if isinstance(node, ast.Subscript):
        return literal(node.slice)
    return node.id if isinstance(node, ast.Name) else ""


def _reads_output(condition: ast.Call) -> bool:
    """A test on a task's output (`train.outputs["accuracy"] > 0.7`), not only on parameters."""
    return any(isinstance(n, ast.Attribute) and n.attr in ("output", "outputs") for n in ast.walk(condition))


def _images(code: Code) -> tuple[Value, ...]:
    found: list[Value] = []
    for call in code.module.calls:
        name = code.module.qualified(call)
        if not (_kfp(name) or name.endswith("__init__")):
            continue
        kw = code.module.keywords(call)
        for key in ("image", "base_image"):
            if key in kw and isinstance(kw[key], str):
                found.append(code.at(kw, key))
    return tuple(found)


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    if not any(_kfp(target) for target in module.imports.values()):
        return
    schedule = next((c for c in module.calls if module.qualified(c).endswith(".create_recurring_run")), None)
    images = _images(code)
    for tree, lines in trees(code.file):
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            if not any(_pipeline_decorator(code, d) for d in node.decorator_list):
                continue
            reader = _Reader(code, lines)
            reader.body(node.body, None)
            line = lines(node.lineno)
            first = reader.steps[0].line if reader.steps else line
            address = f"KFP pipeline {node.name}"
            yield Pipeline(
                **base(code.file.path, line, provider="kubeflow", service="Kubeflow Pipelines", type="pipeline",
                       address=address),
                **facts(code.file.path, line, reader.ordered()),
                retries=reader.retry or (Value.absent(code.file.path, first, "set_retry") if reader.steps else None),
                schedule=Value("create_recurring_run", code.file.path, schedule.line, "create_recurring_run")
                if schedule is not None else None,
                key_secrets=tuple(reader.keys),
                images=images,
                model_default=_model_default(code, node, lines),
                step_resources=reader.resources(),
                secret_env=reader.secret,
                exit_handler=reader.exit,
            )


def _model_default(code: Code, node: ast.FunctionDef, lines: Lines) -> Value | None:
    """The default of a pipeline parameter naming the model to load, when written in place
    (`model_object_name: str = "model-latest.onnx"`); None when no parameter has one."""
    args = node.args.args + node.args.kwonlyargs
    defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + list(node.args.defaults) + list(
        node.args.kw_defaults)
    for arg, default in zip(args, defaults, strict=True):
        if default is not None and "model" in words(arg.arg) and (raw := literal(default)):
            return Value(raw, code.file.path, lines(default.lineno), arg.arg)
    return None


def _pipeline_decorator(code: Code, node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = code.module.name_of(target, code.module.root) or ""
    return _kfp(name) and name.endswith(".pipeline")
