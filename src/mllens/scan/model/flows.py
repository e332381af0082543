"""Prefect and Metaflow flows into the resource model, read statically (see `steps` for roles).

- Metaflow: a class built on `FlowSpec` is a `Pipeline`; its `@step` methods are its steps.
  Retries: the first step's `@retry` (absent at the first step); schedule: the flow's
  `@schedule`, `@trigger` or `@trigger_on_finish` (absent at the class); images: `image=` of
  `@batch` / `@kubernetes`.
- Prefect: `with Flow(...)` (Prefect 1) or an `@flow` function (Prefect 2) is a `Pipeline`;
  its steps are the calls in its body of `@task` functions and of Prefect task instances
  (`RunGreatExpectationsValidation(...)`). Retries: the first task's `max_retries=` /
  `retries=` (absent at the first task); schedule: `Flow(schedule=...)` (absent at the
  Flow), or the `cron` / `interval` / `schedule` of a `.serve()`, `.deploy()` or
  `Deployment.build_from_flow()` in the file (an `@flow` served or deployed elsewhere is
  not judged).

The gate, for both: a register or deploy step under a `with case(...)` (Prefect 1), or under
an `if` comparing a metric (`if accuracy >= 0.8:`) in the flow or the step that releases.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import replace

from mllens.scan.model.kinds import Pipeline, Resource
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import Step, base, facts, literal, roles_of, trees, words
from mllens.scan.model.values import Value

Lines = Callable[[int], int]
_METRICS = {"accuracy", "acc", "auc", "loss", "score", "metric", "metrics", "f1", "precision", "recall", "rmse", "mse",
            "mae", "error", "threshold", "r2"}  # fmt: skip
_THRESHOLD = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_SCHEDULE_KW = ("cron", "interval", "rrule", "schedule", "schedules")


def metric_test(test: ast.expr) -> bool:
    """A threshold comparison on something named as a metric (`val_auc > 0.8`)."""
    return any(
        isinstance(node, ast.Compare) and any(isinstance(op, _THRESHOLD) for op in node.ops)
        and bool(words(ast.unparse(node)) & _METRICS)
        for node in ast.walk(test)
    )


def _decorator(code: Code, node: ast.expr) -> tuple[str, ast.Call | None]:
    call = node if isinstance(node, ast.Call) else None
    return code.module.name_of(call.func if call else node, code.module.root) or "", call


def _literal_kw(call: ast.Call | None, name: str) -> str:
    found = _kw(call, name)
    return literal(found.value) if found is not None else ""


def _kw(call: ast.Call | None, *names: str) -> ast.keyword | None:
    return next((k for k in (call.keywords if call else []) if k.arg in names), None)


def _metaflow(code: Code, cls: ast.ClassDef, lines: Lines) -> Pipeline:
    file = code.file.path
    steps: list[Step] = []
    retry: Value | None = None
    schedule: Value | None = None
    images: list[Value] = []
    for dec in cls.decorator_list:
        name, _ = _decorator(code, dec)
        if name.startswith("metaflow.") and name.endswith((".schedule", ".trigger", ".trigger_on_finish")):
            schedule = schedule or Value(ast.unparse(dec), file, lines(dec.lineno), "@" + name.rsplit(".", 1)[-1])
    methods = [m for m in cls.body if isinstance(m, ast.FunctionDef)]
    for method in methods:
        decorators = [(_decorator(code, d), d) for d in method.decorator_list]
        if not any(n == "metaflow.step" for (n, _), _ in decorators):
            continue
        for (name, call), dec in decorators:
            if name == "metaflow.retry" and retry is None:
                times = _kw(call, "times")
                raw = times.value.value if times and isinstance(times.value, ast.Constant) else "@retry"
                retry = Value(raw, file, lines(dec.lineno), "@retry")
            image = _kw(call, "image")
            if name.endswith((".batch", ".kubernetes")) and image and isinstance(image.value, ast.Constant):
                images.append(Value(image.value.value, file, lines(image.value.lineno), "image"))
        roles = roles_of(method.name)
        gate = _gate_in(method.body, file, lines) if roles & {"deploy", "register", "evaluate"} else None
        batch = _batch(code, method) if roles & {"train", "tune"} else None
        # a release step releases where it calls the deploy or register (`model.deploy(...)`)
        release = _release_call(method) if roles & {"deploy", "register"} else None
        line = lines(release.lineno if release is not None else method.lineno)
        steps.append(Step(method.name, line, roles, gate, "AWS Batch" if batch is not None else "",
                          lines(batch.lineno) if batch is not None else 0))
    # a gate in the evaluation step holds for the release steps after it
    gates = [s.gate for s in steps if s.gate is not None]
    steps = [replace(s, gate=s.gate or (gates[0] if gates and gates[0].line < s.line else None)) for s in steps]
    line = lines(cls.lineno)
    first = steps[0].line if steps else line
    return Pipeline(
        **base(file, line, provider="metaflow", service="Metaflow", type="FlowSpec",
               address=f"Metaflow flow {cls.name}"),
        **facts(file, line, steps),
        retries=retry or Value.absent(file, first, "@retry"),
        schedule=schedule or Value.absent(file, line, "@schedule"),
        images=tuple(images),
    )


def _release_call(method: ast.FunctionDef) -> ast.Call | None:
    for node in ast.walk(method):
        func = node.func if isinstance(node, ast.Call) else None
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if isinstance(node, ast.Call) and roles_of(name) & {"deploy", "register"}:
            return node
    return None


def _batch(code: Code, method: ast.FunctionDef) -> ast.expr | None:
    """The step's `@batch`, also when another decorator wraps it (`@switch(batch(...), flag=...)`)."""
    for dec in method.decorator_list:
        for node in ast.walk(dec):
            target = node.func if isinstance(node, ast.Call) else node
            if isinstance(target, ast.Name | ast.Attribute) and (
                code.module.name_of(target, code.module.root) or ""
            ) == "metaflow.batch":
                return node if isinstance(node, ast.Call) else target
    return None


def _gate_in(body: list[ast.stmt], file: str, lines: Lines) -> Value | None:
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.If) and metric_test(node.test):
            return Value(ast.unparse(node.test)[:120], file, lines(node.lineno), "if")
    return None


class _Prefect:
    def __init__(self, code: Code, tree: ast.Module, lines: Lines) -> None:
        self.code, self.lines, self.file = code, lines, code.file.path
        self.tasks: dict[str, tuple[str, ast.Call | None, int]] = {}  # name -> (class or "task", call, line)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                for dec in node.decorator_list:
                    name, call = _decorator(code, dec)
                    if name in ("prefect.task", "prefect.tasks.task"):
                        self.tasks[node.name] = ("task", call, lines(dec.lineno))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1:
                target = node.targets[0]
                name = code.module.name_of(node.value.func, code.module.root) or ""
                if isinstance(target, ast.Name) and name.startswith("prefect.tasks."):
                    self.tasks[target.id] = (name.rsplit(".", 1)[-1], node.value, lines(node.lineno))

    def retries(self, default_name: str) -> Value:
        for _, call, _line in sorted(self.tasks.values(), key=lambda t: t[2]):
            found = _kw(call, "max_retries", "retries")
            if found is not None:
                raw = found.value.value if isinstance(found.value, ast.Constant) else "${retries}"
                return Value(raw, self.file, self.lines(found.value.lineno), str(found.arg))
        first = min((line for _, _, line in self.tasks.values()), default=0)
        return Value.absent(self.file, first, default_name)

    def steps(self, body: list[ast.stmt], gate: Value | None = None) -> Iterator[Step]:
        for stmt in body:
            if isinstance(stmt, ast.With):
                inner = next((i.context_expr for i in stmt.items if isinstance(i.context_expr, ast.Call)
                              and _decorator(self.code, i.context_expr.func)[0] == "prefect.case"), None)
                found = Value("case", self.file, self.lines(stmt.lineno), "case") if inner is not None else None
                yield from self.steps(stmt.body, found or gate)
            elif isinstance(stmt, ast.If):
                found = Value(ast.unparse(stmt.test)[:120], self.file, self.lines(stmt.lineno), "if")
                yield from self.steps(stmt.body, found if metric_test(stmt.test) else gate)
                yield from self.steps(stmt.orelse, gate)
            else:
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.tasks:
                        kind, made, _ = self.tasks[node.func.id]
                        # named by the task, its class and name=, and a shell task by its command
                        said = [_literal_kw(made, "name"), _literal_kw(node, "command")]
                        roles = roles_of(node.func.id, kind, *said)
                        yield Step(node.func.id, self.lines(node.lineno), roles, gate)


def _prefect(code: Code, tree: ast.Module, lines: Lines) -> Iterator[Pipeline]:
    reader = _Prefect(code, tree, lines)
    file = code.file.path
    module = code.module
    deploying = [c for c in module.calls if module.qualified(c).endswith((".serve", ".deploy", ".build_from_flow",
                                                                          ".to_deployment"))]
    scheduled = next((c for c in deploying if any(c.kw(k) is not None for k in _SCHEDULE_KW)), None)
    for node in ast.walk(tree):
        if isinstance(node, ast.With):
            flow = next((i.context_expr for i in node.items if isinstance(i.context_expr, ast.Call)
                         and _decorator(code, i.context_expr.func)[0] == "prefect.Flow"), None)
            if flow is None:
                continue
            written = _kw(flow, "schedule")
            line = lines(flow.lineno)
            yield _flow(code, line, f"Prefect flow at line {line}", list(reader.steps(node.body)),
                        reader.retries("max_retries"),
                        Value(ast.unparse(written.value), file, lines(written.value.lineno), "schedule")
                        if written else Value.absent(file, line, "schedule"))
        elif isinstance(node, ast.FunctionDef) and any(
            _decorator(code, d)[0] == "prefect.flow" for d in node.decorator_list
        ):
            line = lines(node.lineno)
            keyword = next((k for k in _SCHEDULE_KW if scheduled is not None and scheduled.kw(k) is not None), "cron")
            schedule = (
                Value(keyword, file, scheduled.line, keyword) if scheduled is not None
                else Value.absent(file, deploying[0].line, "cron") if deploying else None
            )
            yield _flow(code, line, f"Prefect flow {node.name}", list(reader.steps(node.body)),
                        reader.retries("retries"), schedule)


def _flow(code: Code, line: int, address: str, steps: list[Step], retries: Value, schedule: Value | None) -> Pipeline:
    file = code.file.path
    return Pipeline(
        **base(file, line, provider="prefect", service="Prefect", type="Flow", address=address),
        **facts(file, line, steps),
        retries=retries if retries.written or retries.line else Value.absent(file, line, retries.name),
        schedule=schedule,
    )


def resources(code: Code) -> Iterator[Resource]:
    imports = code.module.imports.values()
    prefect = any(t == "prefect" or t.startswith("prefect.") for t in imports)
    metaflow = any(t == "metaflow" or t.startswith("metaflow.") for t in imports)
    if not (prefect or metaflow):
        return
    for tree, lines in trees(code.file):
        if metaflow:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and any(
                    (code.module.name_of(b, code.module.root) or "") == "metaflow.FlowSpec" for b in node.bases
                ):
                    yield _metaflow(code, node, lines)
        if prefect:
            yield from _prefect(code, tree, lines)
