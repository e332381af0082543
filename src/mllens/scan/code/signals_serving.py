"""Signals of serving code: whether request handlers validate their payload, and health routes.

Read from modules only (a notebook serves nothing). Each signal first asks the index for a
route decorator, a KServe model class or a json.loads call, so a module with none of them is
never walked (mllens.scan.code.triggers).
"""

from __future__ import annotations

import ast
import dataclasses

from mllens.scan.code import serving
from mllens.scan.code.analysis import CodeIndex
from mllens.scan.context import FileContext

_SERVED = {
    "route": "route",
    "bentoml": "BentoML API",
    "kserve": "KServe model",
    "sagemaker": "SageMaker input_fn",
    "azureml": "Azure ML scoring run()",
    "lambda": "Lambda handler",
}


def _serving_hints(code: CodeIndex) -> bool:
    """Some route decorator, KServe model class or JSON parse: else the module serves nothing."""
    return bool(
        code.select(serving.ROUTES, "decorators")
        or code.select(serving.BENTO_API, "decorators")
        or code.select(serving.KSERVE_BASES, "bases")
        # a payload parse serves only in a module that also predicts (SageMaker, Azure ML, Lambda
        # handlers): asked in this order, a module that parses JSON and predicts nothing is skipped
        or (code.calls_ending(*serving.PREDICTS) and code.select(serving.PARSERS))
        or code.select(serving.SCHEMA_DECORATORS, "decorators")
    )


def _name(handler: serving.Handler) -> str:
    where = f" {handler.path}" if handler.path else ""
    return f"{_SERVED[handler.kind]}{where} ({handler.function.name})"


def request_validation(ctx: FileContext, code: CodeIndex) -> None:
    if not _serving_hints(code):
        return
    tree = ctx.file.data
    if not isinstance(tree, ast.Module):
        return
    schemas = serving.schema_classes(tree)
    for handler in serving.handlers(code, tree):
        if not handler.takes_body:
            continue
        typed = serving.typed_body(handler, schemas)
        check = serving.validation(handler, schemas)
        for callee, _ in serving.helpers(handler, tree) if check is None else []:
            check = serving.validation(dataclasses.replace(handler, function=callee), schemas)  # checked there
            if check is not None:
                break
        if typed is not None:
            ctx.supports(line=typed.lineno, message=f"{_name(handler)} takes a typed, validated body "
                                                    f"({typed.arg}: {serving.annotation(typed)})")
        elif check is not None:
            ctx.supports(line=getattr(check, "lineno", handler.line),
                         message=f"{_name(handler)} checks its payload against a schema")
        else:
            raw = serving.raw_read(handler, tree)
            if raw is not None:
                ctx.contradicts(line=getattr(raw, "lineno", handler.line),
                                message=f"{_name(handler)} passes the request payload on with no schema "
                                        "validation (types, ranges, sizes)")


def health_endpoint(ctx: FileContext, code: CodeIndex) -> None:
    if not code.select(serving.ROUTES, "decorators"):
        return
    tree = ctx.file.data
    if not isinstance(tree, ast.Module):
        return
    for handler in serving.handlers(code, tree):
        if handler.kind == "route" and handler.path is not None and handler.path.rstrip("/") in serving.HEALTH_PATHS:
            ctx.supports(line=handler.line, message=f"the service answers health checks on {handler.path} "
                                                    f"({handler.function.name})")
            return
