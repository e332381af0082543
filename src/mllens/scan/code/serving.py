"""The request handlers of serving code, read from a module's syntax: Flask and FastAPI routes,
BentoML APIs, KServe model classes, and the handler functions of SageMaker (input_fn), Azure
ML scoring scripts (run) and AWS Lambda (a handler that parses its event and predicts).

Each handler is told apart by how it takes its payload: validated against a schema (a
pydantic body model, a schema library's load or validate call, a validating decorator), read
raw (request.json, json.loads of the body, a payload dict indexed by hand), or neither
(a GET route with typed query parameters: nothing to judge).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from mllens.scan.code.analysis import CodeIndex, Site

ROUTES = (
    "flask.*().route",
    "flask.*().post",
    "flask.*().put",
    "flask.*().get",
    "fastapi.*().post",
    "fastapi.*().put",
    "fastapi.*().get",
    "fastapi.*().api_route",
    "bentoml.*().api",
)
BENTO_API = ("bentoml.api",)
KSERVE_BASES = ("kserve.Model", "kserve.model.Model", "kfserving.KFModel")
# Azure ML's inference-schema decorators on a scoring script's run(): a handler even with no JSON parse
SCHEMA_DECORATORS = ("inference_schema.*",)
PARSERS = ("json.loads", "pandas.read_csv", "io.StringIO", "io.BytesIO", "numpy.load")
PREDICTS = ("predict", "predict_proba", "generate", "forward")
# names of the pieces of an incoming request that hold its payload unparsed
_RAW_FLASK = frozenset({"json", "get_json", "data", "get_data", "form", "values"})
_RAW_ASYNC = frozenset({"json", "body", "form"})
# calls that turn a raw body into data (json.loads, pandas.read_csv(StringIO(body)), numpy.load)
_PARSE_CALLS = frozenset({"loads", "read_csv", "read_json", "StringIO", "BytesIO", "load", "frombuffer"})
# annotations that leave a FastAPI body unvalidated (or are not a body at all)
_RAW_TYPES = frozenset({"Request", "dict", "Dict", "Any", "bytes", "object", "Mapping", "JSONResponse"})
_SCALARS = frozenset({"str", "int", "float", "bool", "UploadFile", "File", "BackgroundTasks", "Response"})
# calls that check a payload against a schema: pydantic, marshmallow, jsonschema, pandera ...
_VALIDATING = frozenset({"model_validate", "model_validate_json", "parse_obj", "parse_raw", "validate_python"})
_VALIDATING_DECORATORS = ("validate", "use_args", "use_kwargs", "input_schema", "expects_json", "accepts")
HEALTH_PATHS = frozenset(
    {"/health", "/healthz", "/healthcheck", "/ping", "/ready", "/readyz", "/live", "/livez", "/liveness",
     "/readiness", "/status", "/-/healthy", "/-/ready", "/v2/health/live", "/v2/health/ready"}
)

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Handler:
    """One request handler: its function, the route path (when a route), how it is served."""

    function: Function
    kind: str  # "route", "bentoml", "kserve", "sagemaker", "azureml", "lambda"
    path: str | None = None
    methods: tuple[str, ...] = ()
    line: int = 0  # the decorator's line for a route, else the function's

    @property
    def takes_body(self) -> bool:
        return self.kind != "route" or any(m in ("POST", "PUT", "PATCH") for m in self.methods)


def _last(expr: ast.expr) -> str:
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return expr.id if isinstance(expr, ast.Name) else ""


def _functions(tree: ast.Module) -> Iterator[tuple[Function, ast.ClassDef | None]]:
    for node in tree.body:
        if isinstance(node, Function):
            yield node, None
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, Function):
                    yield item, node


def _target(decorator: ast.expr) -> ast.expr:
    """What the index files a decorator under: `app.post` for `@app.post("/x")`."""
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def _argument(code: CodeIndex, decorator: ast.expr, position: int, name: str) -> object:
    if not isinstance(decorator, ast.Call):
        return None
    if len(decorator.args) > position:
        return code.value_of(decorator.args[position])
    found = next((k.value for k in decorator.keywords if k.arg == name), None)
    return code.value_of(found) if found is not None else None


def _route_methods(site: Site, code: CodeIndex, decorator: ast.expr) -> tuple[str, ...]:
    verb = site.last.upper()
    if verb in ("POST", "PUT", "GET"):
        return (verb,)
    if verb == "API":  # BentoML: every API takes a body
        return ("POST",)
    methods = _argument(code, decorator, 99, "methods")
    if methods is None:
        return ("GET",)  # Flask's and FastAPI's default
    return tuple(str(m).upper() for m in methods) if isinstance(methods, list) else ("POST",)


def _takes_body(site: Site, code: CodeIndex, decorator: ast.expr) -> bool:
    return any(m in ("POST", "PUT", "PATCH") for m in _route_methods(site, code, decorator))


def handlers(code: CodeIndex, tree: ast.Module) -> list[Handler]:
    """Every request handler of the module, in source order."""
    routes = {id(s.node): s for s in code.select(ROUTES, "decorators")}
    bento = {id(s.node) for s in code.select(BENTO_API, "decorators")}
    predicts = bool(code.calls_ending(*PREDICTS))
    if not routes and not bento and not code.select(KSERVE_BASES, "bases") and not (predicts and code.select(PARSERS)) \
            and not code.select(SCHEMA_DECORATORS, "decorators"):
        return []
    kserve = {s.owner for s in code.select(KSERVE_BASES, "bases")}
    names = {f.name for f, owner in _functions(tree) if owner is None}
    found: list[Handler] = []
    for function, owner in _functions(tree):
        decorator = next((d for d in function.decorator_list if id(_target(d)) in routes), None)
        if decorator is not None:
            route = routes[id(_target(decorator))]
            path = _argument(code, decorator, 0, "rule") or _argument(code, decorator, 0, "path")
            kind = "bentoml" if route.last == "api" else "route"
            if kind == "route" and not predicts and _takes_body(route, code, decorator):
                continue  # a body-taking route of a module that predicts nothing is no inference handler
            found.append(Handler(function, kind, path if isinstance(path, str) else None,
                                 _route_methods(route, code, decorator), decorator.lineno))
        elif any(id(_target(d)) in bento for d in function.decorator_list):
            found.append(Handler(function, "bentoml", None, ("POST",), function.lineno))
        elif owner is not None and owner.name in kserve and function.name in ("preprocess", "predict"):
            found.append(Handler(function, "kserve", None, ("POST",), function.lineno))
        elif owner is None and function.name == "input_fn" and len(function.args.args) >= 2:
            found.append(Handler(function, "sagemaker", None, ("POST",), function.lineno))
        elif owner is None and function.name == "run" and "init" in names and function.args.args:
            found.append(Handler(function, "azureml", None, ("POST",), function.lineno))
        elif owner is None and predicts and function.name.endswith("handler") and len(function.args.args) == 2:
            found.append(Handler(function, "lambda", None, ("POST",), function.lineno))
    # a KServe class's preprocess reads the payload first: judge that one when there is one
    classes = {h.function.name for h in found if h.kind == "kserve"}
    if "preprocess" in classes:
        found = [h for h in found if not (h.kind == "kserve" and h.function.name == "predict")]
    return found


def schema_classes(tree: ast.Module) -> set[str]:
    """Classes of the module that declare a schema (pydantic models, dataclasses, TypedDicts...)."""
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and (any(_last(b) in ("BaseModel", "Schema", "TypedDict", "DataFrameModel", "SchemaModel") for b in node.bases)
             or any(_last(d) == "dataclass" for d in node.decorator_list))
    }


def annotation(arg: ast.arg) -> str:
    node = arg.annotation
    if isinstance(node, ast.Subscript):  # Annotated[Model, ...], list[Model], Optional[Model]
        inner = node.slice
        node = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    return _last(node) if node is not None else ""


def typed_body(handler: Handler, schemas: set[str]) -> ast.arg | None:
    """A parameter whose type declares the payload's shape (FastAPI and BentoML check it)."""
    if handler.kind not in ("route", "bentoml"):
        return None
    for arg in handler.function.args.args:
        name = annotation(arg)
        if name in schemas or (name[:1].isupper() and name not in _RAW_TYPES | _SCALARS):
            return arg
        if handler.kind == "bentoml" and name in ("ndarray", "DataFrame", "Tensor"):
            return arg
    return None


def validation(handler: Handler, schemas: set[str]) -> ast.AST | None:
    """The call or decorator in the handler that checks its payload against a schema."""
    for decorator in handler.function.decorator_list:
        name = _last(decorator)
        if any(name.startswith(v) for v in _VALIDATING_DECORATORS):
            return decorator
        keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
        if any(k.arg in ("pydantic_model", "input_spec") for k in keywords):
            return decorator
        if isinstance(decorator, ast.Call):  # BentoML: input=JSON(pydantic_model=...), NumpyNdarray(enforce_...)
            for keyword in decorator.keywords:
                spec = keyword.value
                if keyword.arg == "input" and isinstance(spec, ast.Call) and any(
                    k.arg in ("pydantic_model", "enforce_shape", "enforce_dtype") for k in spec.keywords
                ):
                    return decorator
    for node in ast.walk(handler.function):
        if not isinstance(node, ast.Call):
            continue
        name = _last(node)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        held = _last(receiver).lower() if receiver is not None else ""
        if name.startswith("validate") or name in _VALIDATING or name in schemas:
            return node
        if name in ("load", "loads") and "schema" in held:  # marshmallow: schema.load(payload)
            return node
    return None


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def helpers(handler: Handler, tree: ast.Module) -> list[tuple[Function, str]]:
    """The module's functions the handler passes its payload to (a Lambda event, a KServe
    payload), each with the name the payload has there: one call deep."""
    params = [a.arg for a in handler.function.args.args if a.arg not in ("self", "cls")]
    if handler.kind not in ("kserve", "lambda") or not params:
        return []
    functions = {n.name: n for n in tree.body if isinstance(n, Function)}
    found: list[tuple[Function, str]] = []
    for node in sorted(ast.walk(handler.function), key=_position):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
            callee = functions[node.func.id]
            for index, arg in enumerate(node.args):
                if isinstance(arg, ast.Name) and arg.id == params[0] and index < len(callee.args.args):
                    found.append((callee, callee.args.args[index].arg))
    return found


def _payload_read(function: Function, name: str | None, kind: str) -> ast.AST | None:
    """The first unparsed read of the payload `name` in `function` (see raw_read)."""
    for node in sorted(ast.walk(function), key=_position):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name | ast.Attribute)
            and _last(node.value) == "request"
            and node.attr in _RAW_FLASK | _RAW_ASYNC
        ):
            return node
        if isinstance(node, ast.Call) and _last(node) in _PARSE_CALLS and kind != "route":
            return node
        if kind in ("kserve", "lambda") and name is not None:
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
                return node
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == name):
                return node
    return None


def raw_read(handler: Handler, tree: ast.Module | None = None) -> ast.AST | None:
    """Where the handler takes its payload unparsed: request.json, json.loads(body),
    payload[...] or payload.get(...), in the handler or in a module function it hands the
    payload to (with `tree`)."""
    params = [a.arg for a in handler.function.args.args if a.arg not in ("self", "cls")]
    found = _payload_read(handler.function, params[0] if params else None, handler.kind)
    if found is not None:
        return found
    for callee, name in helpers(handler, tree) if tree is not None else []:
        found = _payload_read(callee, name, handler.kind)
        if found is not None:
            return found
    if handler.kind in ("sagemaker", "azureml"):  # the body is the payload itself, used as it comes
        return handler.function
    return None
