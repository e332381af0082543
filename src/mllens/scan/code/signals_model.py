"""Signals about data and models: validation, baselines, explanations, bias, how model
files are loaded, inference optimisation, load and unit tests (evaluation gates are in
signals_release)."""

from __future__ import annotations

import ast

from mllens.scan.code.analysis import CodeIndex, Site
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


# raw data read into a frame; the words of a data-preparation step's file name
RAW_READS = ("pandas.read_csv", "pandas.read_parquet", "pandas.read_json", "pandas.read_table",
             "pandas.read_excel", "polars.read_csv", "polars.read_parquet")  # fmt: skip
_PREPARATION_WORDS = ("preprocess", "prepare", "preparation", "data_prep", "dataprep", "clean", "etl", "ingest",
                      "wrangl")  # fmt: skip
# a check the step makes itself: a failure raised, or an assertion helper of a schema library
_CHECKS = ("*Error", "*Exception", "*.validate", "jsonschema.*", "pydantic.*")


def unchecked_preparation(ctx: FileContext, code: CodeIndex) -> None:
    """A data-preparation module (named so) that reads raw data and checks nothing about it
    (a signal of its own: only modules are read for it, so a notebook's reads do not make
    the family parse its cells)."""
    read = code.first(*RAW_READS)
    if read is None or read.cell is not None:
        return
    if code.first(*VALIDATION) is not None or code.first(*VALIDATION_DECORATORS, sites="decorators") is not None:
        return
    stem = ctx.file.path.rsplit("/", 1)[-1].lower()
    if is_test_path(ctx.file.path) or not any(w in stem for w in _PREPARATION_WORDS):
        return
    if any(s.gated or s.resolved for s in code.find(*_CHECKS, resolved=False)):
        return  # `if df.empty: raise ValueError(...)`, or a schema library's validate
    ctx.contradicts(line=read.line, confidence=0.5,
                    message=f"a data-preparation step reads raw data ({read.name}) and transforms it with no "
                            "schema or quality check")


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
