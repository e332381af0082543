"""What serving code reports about its traffic: metrics it emits, the requests and predictions
it sends to a monitoring service, and the feedback its users give on predictions.

Read from modules that serve (a route, a handler that parses and predicts, a Gradio app):
metrics from a library (Prometheus, CloudWatch, StatsD, OpenTelemetry) or log lines written as
metrics (`METRIC name value`, which a log-based metric filter reads); a POST of the request
and its prediction to a URL or client named for monitoring; a user's flag or label sent on
(Gradio's flagging callback, a monitoring SDK given feedback or actual labels).
"""

from __future__ import annotations

import ast

from mllens.scan.code import serving
from mllens.scan.code.analysis import CodeIndex, Site
from mllens.scan.context import FileContext

METRICS = (
    "prometheus_client.Counter", "prometheus_client.Histogram", "prometheus_client.Summary",
    "prometheus_client.Gauge", "prometheus_fastapi_instrumentator.Instrumentator",
    "boto3.client().put_metric_data", "aws_embedded_metrics.*", "statsd.*", "datadog.statsd.*",
    "opentelemetry.metrics.*",
)  # fmt: skip
GRADIO_APPS = ("gradio.Interface", "gradio.Blocks", "gradio.ChatInterface")
POSTS = ("requests.post", "httpx.post", "requests.Session().post", "httpx.Client().post")
# monitoring SDKs that take a prediction with what the user or the label said about it
FEEDBACK_LOGS = ("gantry.log_record", "gantry.log", "arize.*log", "fiddler.*publish_event*", "whylogs.*")
_FEEDBACK_KW = ("feedback", "actual_label", "actuals", "ground_truth")
_MONITORING_WORDS = ("monitor", "metric", "evidently", "drift", "iterate", "capture")
_LOG_CALLS = ("print", "info", "debug", "warning", "log")


def _serves(code: CodeIndex, ctx: FileContext) -> bool:
    """A Gradio app, a route of a module that predicts (not a monitoring service's own routes),
    or a handler that parses its payload and predicts."""
    if code.first(*GRADIO_APPS) is not None:
        return True
    if code.select(serving.ROUTES, "decorators"):
        return bool(code.calls_ending(*serving.PREDICTS))
    tree = ctx.file.data
    return isinstance(tree, ast.Module) and bool(serving.handlers(code, tree))


def _metric_line(site: Site) -> bool:
    """print("METRIC image_area ..."), logging.info(f"METRIC {key} {value}")."""
    first = site.arg(0)
    if isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) and first.func.attr == "format":
        first = first.func.value  # "METRIC area {}".format(...)
    elif isinstance(first, ast.BinOp):
        first = first.left  # "METRIC area %d" % area
    if isinstance(first, ast.JoinedStr) and first.values:
        first = first.values[0]
    return isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("METRIC")


def serving_telemetry(ctx: FileContext, code: CodeIndex) -> None:
    metric = code.first(*METRICS)
    if metric is None and code.has_words("METRIC"):
        metric = min((s for s in code.calls_ending(*_LOG_CALLS) if _metric_line(s)), key=lambda s: s.line, default=None)
    flagging = next((s for s in code.find(*GRADIO_APPS) if s.kw("flagging_callback") is not None), None)
    feedback = flagging or next((s for s in code.find(*FEEDBACK_LOGS) if s.has_kw(*_FEEDBACK_KW)), None)
    posts = [p for p in code.find(*POSTS) if _to_monitoring(p)]
    if metric is None and feedback is None and not posts:
        return
    if not _serves(code, ctx) and feedback is None:
        return
    if metric is not None:
        ctx.supports(line=metric.line, check="serving_metrics_emitted",
                     message=f"the serving code emits its own metrics: {metric.name}")
    if feedback is not None:
        line = feedback.line if flagging is None else _kw_line(flagging, "flagging_callback")
        ctx.supports(line=line, check="labels_joined",
                     message=f"users' feedback on predictions is sent on for monitoring: {feedback.name}")
    if posts:
        ctx.supports(line=posts[0].line, check="endpoint_data_capture",
                     message=f"each request and its prediction are sent to a monitoring service: {posts[0].name}")


def _to_monitoring(site: Site) -> bool:
    url = site.arg(0) or site.kw("url")
    if url is None:
        return False
    value = site.value(0, default=site.value("url"))
    text = (value if isinstance(value, str) else "") + " " + ast.unparse(url)
    return any(word in text.lower() for word in _MONITORING_WORDS)


def _kw_line(site: Site, name: str) -> int:
    value = site.kw(name)
    return site.line + getattr(value, "lineno", 0) - getattr(site.node, "lineno", 0) if value is not None else site.line
