"""Request handlers of serving code (mllens.scan.code.serving)."""

from __future__ import annotations

import ast

from mllens.scan.code.analysis import CodeIndex, Unit
from mllens.scan.code.serving import handlers, raw_read, schema_classes, typed_body, validation


def _handlers(source: str) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    tree = ast.parse(source)
    return [(h.function.name, h.kind, h.path, h.methods) for h in handlers(CodeIndex([Unit(tree)]), tree)]


def test_flask_routes_with_their_paths_and_methods() -> None:
    source = (
        "from flask import Flask, request\n"
        "app = Flask(__name__)\n"
        "@app.route('/ping')\n"
        "def ping():\n    return 'ok'\n"
        "@app.route('/invocations', methods=['POST'])\n"
        "def invoke():\n    return model.predict(request.json)\n"
    )
    assert _handlers(source) == [("ping", "route", "/ping", ("GET",)), ("invoke", "route", "/invocations", ("POST",))]


def test_handler_functions_of_sagemaker_azure_ml_and_lambda() -> None:
    sagemaker = (
        "import json\ndef input_fn(body, content_type):\n    return json.loads(body)\n"
        "def predict_fn(x, m):\n    return m.predict(x)\n"
    )
    azure = "import json\ndef init():\n    pass\ndef run(raw):\n    return model.predict(json.loads(raw))\n"
    lam = "import json\ndef handler(event, context):\n    return model.predict(json.loads(event['body']))\n"
    assert [h[:2] for h in _handlers(sagemaker)] == [("input_fn", "sagemaker")]
    assert [h[:2] for h in _handlers(azure)] == [("run", "azureml")]
    assert [h[:2] for h in _handlers(lam)] == [("handler", "lambda")]


def test_a_module_that_predicts_nothing_has_no_json_handlers() -> None:
    assert _handlers("import json\ndef run(raw):\n    return json.loads(raw)\ndef init():\n    pass\n") == []


def test_typed_body_validation_and_raw_read() -> None:
    source = (
        "from fastapi import FastAPI, Request\nfrom pydantic import BaseModel\napp = FastAPI()\n"
        "class Row(BaseModel):\n    x: float\n"
        "@app.post('/a')\ndef a(row: Row):\n    return model.predict([[row.x]])\n"
        "@app.post('/b')\nasync def b(request: Request):\n    return model.predict(await request.json())\n"
        "@app.post('/c')\nasync def c(request: Request):\n"
        "    return model.predict(Row.model_validate(await request.json()))\n"
    )
    tree = ast.parse(source)
    found = handlers(CodeIndex([Unit(tree)]), tree)
    schemas = schema_classes(tree)
    assert schemas == {"Row"}
    a, b, c = found
    assert typed_body(a, schemas) is not None and typed_body(b, schemas) is None
    assert validation(b, schemas) is None and raw_read(b) is not None
    assert validation(c, schemas) is not None
