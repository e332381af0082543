"""Signals about data and models: validation, baselines, explanations, bias, how model
files are loaded, inference optimisation, evaluation gates, load and unit tests."""

from __future__ import annotations

import ast

from mllens.scan.code.analysis import CodeIndex, Site, literal
from mllens.scan.code.signals_ops import REGISTRY, SDK_DEPLOY
from mllens.scan.code.testfuncs import real_tests
from mllens.scan.context import FileContext
from mllens.scan.kinds import is_test_path

VALIDATION = (
    "great_expectations.*",
    "pandera.*.validate",
    "pandera.DataFrameSchema().validate",
    "pandera.*Schema().validate",
    "deepchecks.*",
    "tensorflow_data_validation.validate_*",
    "tensorflow_data_validation.generate_statistics*",
    "evidently.*Report",
    "evidently.*TestSuite",
    "whylogs.log",
    "soda.scan.Scan",
    "pydantic_pandas*",
    "tfx.*ExampleValidator",
)
VALIDATION_DECORATORS = ("pandera.check_types", "pandera.check_input", "pandera.check_output", "pandera.check_io")
BASELINE = (
    "sagemaker.model_monitor*().suggest_baseline",
    "tensorflow_data_validation.infer_schema",
    "tensorflow_data_validation.write_schema_text",
    "tensorflow_data_validation.write_stats_text",
    "whylogs.log().writer",
    "whylogs.log().view().write",
    "evidently.*Report().save*",
    "tfx.*SchemaGen",
    "tfx.*StatisticsGen",
)
EXPLAIN = (
    "shap.*Explainer",
    "shap.explainers.*",
    "lime.*Explainer",
    "captum.attr.*",
    "sagemaker.clarify.SHAPConfig",
    "sagemaker.clarify*().run_explainability",
    "alibi.explainers.*",
    "dalex.Explainer",
    "sklearn.inspection.permutation_importance",
    "sklearn.inspection.PartialDependenceDisplay*",
    "google.cloud.aiplatform.explain.*",
    "interpret.*",
)
BIAS = (
    "fairlearn.metrics.*",
    "fairlearn.*",
    "aif360.*",
    "sagemaker.clarify.BiasConfig",
    "sagemaker.clarify*().run_bias",
    "sagemaker.clarify*().run_pre_training_bias",
    "sagemaker.clarify*().run_post_training_bias",
    "responsibleai.RAIInsights",
)
UNSAFE = (
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "_pickle.load",
    "_pickle.loads",
    "cPickle.load",
    "joblib.load",
    "sklearn.externals.joblib.load",
    "cloudpickle.load",
    "cloudpickle.loads",
    "dill.load",
    "dill.loads",
    "pandas.read_pickle",
    "shelve.open",
)
PICKLE_DUMPS = ("pickle.dump", "_pickle.dump", "cPickle.dump", "cloudpickle.dump", "dill.dump")
SAFE_LOADING = ("safetensors.*load*", "safetensors.safe_open", "skops.io.load", "onnx.load")
COMPILE = (
    "torch.onnx.export",
    "tf2onnx.*",
    "onnxruntime.InferenceSession",
    "tensorrt.*",
    "torch_tensorrt.*",
    "openvino.*",
    "treelite.*",
    "tl2cgen.*",
    "sagemaker.*().compile_model",
    "tensorflow.lite.TFLiteConverter*",
    # the TF-Lite interpreter runs a converted model on a device or on a server (a Lambda) alike:
    # an optimised runtime, not by itself packaging for devices (the converter above is)
    "tflite_runtime.*",
    "optimum.*",
    "torch.ao.quantization.quantize_dynamic",
    "torch.quantization.quantize_dynamic",
    "torch.jit.trace",
    "torch.jit.script",
    "coremltools.convert",
    "tvm.*",
)
EDGE = (
    "tensorflow.lite.TFLiteConverter*",
    "coremltools.convert",
    "tensorflowjs.converters.*",
    "executorch.*",
    "torch.utils.mobile_optimizer.optimize_for_mobile",
    "*()._save_for_lite_interpreter",
)
COMPRESSION = (
    "torch.ao.quantization.*",
    "torch.quantization.*",
    "torch.nn.utils.prune.*",
    "tensorflow_model_optimization.*",
    "optimum.*Quantizer*",
    "optimum.quanto.*",
    "neural_compressor.*",
)
GATES = (
    "sagemaker.workflow.condition_step.ConditionStep",
    "sagemaker.workflow*ConditionStep",
    "kfp.dsl.Condition",
    "kfp.dsl.If",
    "kfp.*.dsl.Condition",
    "mlflow.validate_evaluation_results",
    "mlflow.models.MetricThreshold",
)
LOAD_TEST_BASES = ("locust.HttpUser", "locust.FastHttpUser", "locust.User", "locust.contrib.fasthttp.FastHttpUser")


def _first(
    ctx: FileContext,
    code: CodeIndex,
    patterns: tuple[str, ...],
    what: str,
    *,
    sites: str = "calls",
    check: str | None = None,
) -> Site | None:
    site = code.first(*patterns, sites=sites)
    if site is not None:
        ctx.supports(line=site.line, message=f"{what}: {site.name}{site.where}", check=check)
    return site


def data_validation(ctx: FileContext, code: CodeIndex) -> None:
    what = "validates or profiles data"
    if _first(ctx, code, VALIDATION, what) is None:
        _first(ctx, code, VALIDATION_DECORATORS, what, sites="decorators")


def feature_baseline(ctx: FileContext, code: CodeIndex) -> None:
    _first(ctx, code, BASELINE, "saves training-data statistics as a baseline")


def explainability(ctx: FileContext, code: CodeIndex) -> None:
    _first(ctx, code, EXPLAIN, "computes model explanations")


def bias_measurement(ctx: FileContext, code: CodeIndex) -> None:
    _first(ctx, code, BIAS, "measures bias across groups")


def unsafe_deserialisation(ctx: FileContext, code: CodeIndex) -> None:
    for site in code.find(*UNSAFE):
        ctx.contradicts(line=site.line, message=f"{site.name} can run code hidden in the file it loads{site.where}")
    for site in code.find("torch.load"):
        weights_only = site.value("weights_only", default=None)
        if weights_only is False:
            ctx.contradicts(
                line=site.line, message=f"torch.load with weights_only=False unpickles arbitrary objects{site.where}"
            )
        elif weights_only is None:
            ctx.contradicts(
                line=site.line,
                confidence=0.5,
                message=f"torch.load without weights_only=True (safe by default only from torch 2.6){site.where}",
            )
    # writing a model as a pickle hands every later reader the unsafe load: one evidence a file
    dump = code.first(*PICKLE_DUMPS)
    if dump is not None:
        ctx.contradicts(
            line=dump.line,
            confidence=0.6,
            message=f"{dump.name} writes a pickle: whoever loads it (the serving code) must unpickle it, "
            f"which runs any code the file holds{dump.where}",
        )
    for site in code.find("numpy.load"):
        if site.value("allow_pickle") is True:
            ctx.contradicts(line=site.line, message=f"numpy.load with allow_pickle=True{site.where}")
    for site in code.find("*keras.models.load_model", "*keras.saving.load_model"):
        if site.value("safe_mode") is False:
            ctx.contradicts(line=site.line, message=f"Keras load_model with safe_mode=False{site.where}")


def safe_weights_loading(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*SAFE_LOADING)
    site = site or next((s for s in code.find("torch.load") if s.value("weights_only") is True), None)
    if site is not None:
        ctx.supports(line=site.line, message=f"loads model weights without unpickling: {site.name}{site.where}")


def model_compilation(ctx: FileContext, code: CodeIndex) -> None:
    _first(ctx, code, COMPILE, "compiles or optimises the model for inference", check="model_compilation")
    _first(ctx, code, EDGE, "packages the model for devices", check="edge_packaging")
    _first(ctx, code, COMPRESSION, "compresses the model (quantisation or pruning)", check="model_compression")


_THRESHOLD_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_CASTS = frozenset({"float", "int", "round", "abs"})  # a cast of a constant is still a constant


def _computed(expr: ast.expr, code: CodeIndex) -> bool:
    """Whether a compared value may be a computed metric rather than a constant: not a
    literal, nor a name the code only ever binds to literals (a name it never binds may come
    from anywhere: a parameter, another module)."""
    if literal(expr):
        return False
    if isinstance(expr, ast.Name):
        return not code.constant_only(expr.id)
    if isinstance(expr, ast.Attribute | ast.Subscript):
        return _computed(expr.value, code)  # `metrics["auc"]`, `result.auc`: as their base
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _CASTS and expr.args:
        return _computed(expr.args[0], code)
    if isinstance(expr, ast.BinOp):
        return _computed(expr.left, code) or _computed(expr.right, code)
    if isinstance(expr, ast.UnaryOp):
        return _computed(expr.operand, code)
    return True  # a call's result, or an expression too involved to read


def _compares_metric(test: ast.expr, code: CodeIndex) -> bool:
    """A threshold test (<, <=, >, >=) on a computed value: `if __name__ == ...` or
    `auc = 0.9; if auc > 0.8:` are no metric checks."""
    if isinstance(test, ast.BoolOp):
        return any(_compares_metric(v, code) for v in test.values)
    if isinstance(test, ast.UnaryOp):
        return _compares_metric(test.operand, code)
    return (
        isinstance(test, ast.Compare)
        and any(isinstance(op, _THRESHOLD_OPS) for op in test.ops)
        and any(_computed(e, code) for e in (test.left, *test.comparators))
    )


def evaluation_gate(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*GATES)
    # mlflow.evaluate with thresholds fails the run below them; a TFX Pusher fed the
    # Evaluator's blessing pushes only a model that met the eval_config's thresholds
    site = site or next((s for s in code.find("mlflow.evaluate") if s.has_kw("validation_thresholds")), None)
    site = site or next((s for s in code.find("tfx.*Pusher") if s.has_kw("model_blessing")), None)
    if site is None:
        site = next(
            (
                s
                for s in code.find(*REGISTRY, *SDK_DEPLOY, "mlflow.*.log_model")
                if s.gated and any(_compares_metric(test, code) for test in code.gate_tests(s))
            ),
            None,
        )
    if site is not None:
        ctx.supports(
            line=site.line, message=f"a metric check decides registration or deployment: {site.name}{site.where}"
        )
        return
    stop = _metric_stop(code)
    if stop is not None:
        site, test = stop
        line = site.line - (getattr(site.node, "lineno", test.lineno) - test.lineno)  # the test's line
        ctx.supports(line=line, message=f"a metric threshold stops the run when it is not met: {site.name}{site.where}")


# What ends a run (or a pipeline step) with a failure: an exception, a non-zero exit, a
# cancelled run. Unresolved names count: `raise ValueError(...)`, `run.parent.cancel()`.
STOPS = ("sys.exit", "exit", "*Error", "*Exception", "*.cancel", "*.fail", "*.mark_failed")
# the compared value must be named as a metric: `if len(rows) < 10: raise` checks input, not a model
_METRIC_WORDS = ("acc", "auc", "mse", "mae", "rmse", "f1", "precision", "recall", "loss", "score", "metric",
                 "r2", "error", "cer", "wer", "bleu", "rouge", "threshold")  # fmt: skip


def _names_metric(test: ast.expr) -> bool:
    for node in ast.walk(test):
        text = None
        if isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        if text is not None and any(w in text.lower() for w in _METRIC_WORDS):
            return True
    return False


# a module that computes or records metrics with one of these; asked first, so that the
# exception names, common in every module, never decide alone to read a module's calls
_METRIC_ROOTS = ("sklearn", "mlflow", "azureml", "sagemaker", "torchmetrics", "tensorflow", "keras",
                 "torch", "xgboost", "lightgbm", "wandb", "boto3")  # fmt: skip


def _metric_stop(code: CodeIndex) -> tuple[Site, ast.expr] | None:
    """A failure raised, an exit or a cancelled run under a threshold test on a metric."""
    if not any([code.uses(root) for root in _METRIC_ROOTS]):  # a list: the probe notes every root
        return None
    for site in code.find(*STOPS, resolved=False):
        if site.last == "exit" and site.value(0, default=0) in (0, None):
            continue  # a clean exit is no failure
        if not site.gated:
            continue
        for test in code.gate_tests(site):
            if _compares_metric(test, code) and _names_metric(test):
                return site, test
    return None


def load_tests(ctx: FileContext, code: CodeIndex) -> None:
    _first(ctx, code, LOAD_TEST_BASES, "defines a load test", sites="bases")


def ml_tests(ctx: FileContext, code: CodeIndex) -> None:
    tree = ctx.file.data
    if not is_test_path(ctx.file.path) or not isinstance(tree, ast.Module):
        return
    real, placeholders = real_tests(tree)
    if real:
        ctx.supports(line=real[0].lineno, message=f"{len(real)} test functions ({real[0].name} first)")
    elif placeholders:
        # a test file whose every test is a stub looks tested and is not: a gap of its own
        ctx.contradicts(
            line=placeholders[0].lineno,
            confidence=0.5,
            message=f"{len(placeholders)} test functions, all placeholders that check nothing "
            f"({placeholders[0].name} first)",
        )
