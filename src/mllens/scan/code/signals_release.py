"""What happens to a trained model: whether a metric decides its release (an evaluation gate),
and whether it is kept where a registry or tracker records it."""

from __future__ import annotations

import ast

from mllens.scan.code.analysis import CodeIndex, Site, literal
from mllens.scan.code.signals_ops import REGISTRY, SDK_DEPLOY, TRACKING
from mllens.scan.code.signals_train import training_sites
from mllens.scan.context import FileContext

GATES = (
    "sagemaker.workflow.condition_step.ConditionStep",
    "sagemaker.workflow*ConditionStep",
    "kfp.dsl.Condition",
    "kfp.dsl.If",
    "kfp.*.dsl.Condition",
    "mlflow.validate_evaluation_results",
    "mlflow.models.MetricThreshold",
)

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
        return
    if not any([code.uses(root) for root in _METRIC_ROOTS]):  # a list: the probe notes every root
        return
    decision = next((t for t in code.comparisons() if _against_threshold(t, code)), None)
    if decision is not None:
        ctx.supports(line=decision.lineno, confidence=0.6,
                     message="a metric is compared with a threshold that decides whether the model goes on "
                             f"({ast.unparse(decision)})")
        return
    metric = code.first(*METRIC_CALLS)
    saved = next((s for s in code.find(*MODEL_SAVES) if not to_job_output(s, ctx)), None) if metric else None
    if metric is not None and saved is not None and not any(_names_metric(t) for t in code.comparisons()):
        ctx.contradicts(line=metric.line, confidence=0.6,
                        message=f"computes metrics ({metric.name}) and keeps the model whatever they are "
                                f"({saved.name}, line {saved.line}): no threshold decides{metric.where}")


def _against_threshold(test: ast.expr, code: CodeIndex) -> bool:
    """A metric compared with a value named as a threshold (`if mse > evaluation_threshold:`)."""
    if not (_compares_metric(test, code) and _names_metric(test)):
        return False
    for node in ast.walk(test):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        if name is not None and any(w in name.lower() for w in ("threshold", "baseline", "min_", "max_")):
            return True
    return False


# metrics computed from predictions (not the loss a training loop watches)
METRIC_CALLS = ("sklearn.metrics.*", "torchmetrics.functional.*", "evaluate.load", "evaluate.load().compute")
# where a trained model is kept: a file, a tracked run, a registry, an endpoint
MODEL_SAVES = ("pickle.dump", "joblib.dump", "torch.save", "*keras*save_model", "mlflow.*.log_model",
               "mlflow.*.save_model", "skops.io.dump", *REGISTRY, *SDK_DEPLOY)  # fmt: skip
# a file a managed job or pipeline step hands on (the next step or the platform registers it)
_JOB_OUTPUT_WORDS = ("output", "model_dir", "/opt/ml", "sm_model", "artifact", ".path", "args.", "azureml")


def to_job_output(site: Site, ctx: FileContext) -> bool:
    """Whether a save writes where a job or pipeline step hands its output on: its target (a
    path, or the file `with open(...) as f` opened) names an output folder or argument."""
    if not site.name.endswith(("dump", "save", "save_model")):
        return False
    target = site.arg(1) if site.name.endswith("dump") or site.name == "torch.save" else site.arg(1) or site.arg(0)
    texts = [ast.unparse(target)] if target is not None else []
    tree = ctx.file.data
    if isinstance(target, ast.Name) and isinstance(tree, ast.Module):  # the file handle of a `with open(...)`
        texts += [ast.unparse(w.context_expr) for w in ast.walk(tree) if isinstance(w, ast.withitem)
                  and isinstance(w.optional_vars, ast.Name) and w.optional_vars.id == target.id]
    return any(word in text.lower() for text in texts for word in _JOB_OUTPUT_WORDS)


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


def model_registry(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*REGISTRY)
    if site is None:
        site = next((s for s in code.find("mlflow.*.log_model") if s.has_kw("registered_model_name")), None)
    if site is not None:
        ctx.supports(line=site.line, message=f"registers model versions: {site.name}{site.where}")
        return
    artifact = _wandb_model_artifact(code)
    if artifact is not None:
        ctx.supports(line=artifact.line,
                     message=f"logs the model as a versioned W&B artifact: {artifact.name}{artifact.where}")
    latest = _latest_artifact(ctx, code)
    if latest is not None:
        ctx.contradicts(line=latest, confidence=0.6,
                        message="fetches a model artifact by its :latest alias: whatever was logged last is "
                                "used, not a version or an alias someone approved")
    if artifact is None and latest is None:
        _unregistered_release(ctx, code)
        _kept_locally(ctx, code)


_DATA_TYPES = ("data", "dataset", "table", "code", "raw")


def _wandb_model_artifact(code: CodeIndex) -> Site | None:
    """A W&B artifact that holds a model (not a dataset), logged in this module: each log of it
    is a new version, which aliases can then name."""
    if code.first("wandb.log_artifact", "wandb.*().log_artifact", "wandb.run.log_artifact") is None:
        return None
    for site in code.find("wandb.Artifact"):
        kind = site.value("type", default=site.value(1))
        if not (isinstance(kind, str) and kind.lower() in _DATA_TYPES):
            return site
    return None


def _latest_artifact(ctx: FileContext, code: CodeIndex) -> int | None:
    """The line of an artifact reference ending in `:latest` (`f"{entity}/{project}/{name}:latest"`)
    in a module that uses W&B."""
    if code.first("wandb.*") is None:
        return None
    tree = ctx.file.data
    for node in ast.walk(tree) if isinstance(tree, ast.Module) else ():
        text = node.values[-1] if isinstance(node, ast.JoinedStr) and node.values else node
        if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value.endswith(":latest") \
                and "/" in (ast.unparse(node) if isinstance(node, ast.JoinedStr) else text.value):
            return getattr(node, "lineno", None)
    return None


# a module that trains and then serves what it trained (the SDK or API calls of each)
TRAINS = (
    "boto3.client().create_training_job",
    "sagemaker.*Estimator().fit",
    "sagemaker.*().fit",
    "google.cloud.aiplatform.*TrainingJob().run",
)
SERVES = (
    "boto3.client().create_model",
    "sagemaker.*Estimator().deploy",
    "sagemaker.*().deploy",
    "google.cloud.aiplatform.*TrainingJob().run().deploy",
)


def _unregistered_release(ctx: FileContext, code: CodeIndex) -> None:
    """A module that trains a model and creates the serving model from that job's output,
    with no registry call anywhere in it: no registered, approved version stands behind it.
    A notebook doing so is exploring (its sites have a cell), not the release path."""
    if code.first("mlflow.*.log_model") is not None:
        return
    trained, served = code.first(*TRAINS), code.first(*SERVES)
    if trained is None or served is None or served.cell is not None:
        return
    ctx.contradicts(
        line=served.line,
        confidence=0.6,
        message=f"serves the model it trained ({trained.name}, line {trained.line}) straight from the job's "
        f"output: no registered, approved version stands behind it ({served.name}{served.where})",
    )


# files a model is written to (a tracked run's or a registry's calls are not: see MODEL_SAVES)
MODEL_FILES = ("pickle.dump", "joblib.dump", "torch.save", "*keras*save_model", "skops.io.dump")
# where else a module may hand its model on: a tracker, an object store, a hub, W&B artifacts
_KEPT_ELSEWHERE = (*TRACKING, "mlflow.*.log_model", "boto3.*upload_file", "boto3.*put_object", "wandb.Artifact",
                   "*google.cloud.storage*upload_from_filename", "huggingface_hub.*", "*push_to_hub")  # fmt: skip


_STORAGE_TOOLS = ("gsutil", "aws", "azcopy", "gcloud", "az")


def _copied_to_storage(code: CodeIndex) -> bool:
    """A command copies files to cloud storage (`subprocess.check_call(["gsutil", "cp", ...])`)."""
    for site in code.find("subprocess.*", "os.system"):
        command = site.value(0)
        first = command[0] if isinstance(command, list) and command else command
        if isinstance(first, str) and first.split(" ", 1)[0] in _STORAGE_TOOLS:
            return True
    return False


def _kept_locally(ctx: FileContext, code: CodeIndex) -> None:
    """A module that trains a model and writes it to a local file, with no tracker, registry or
    store it goes to, and not as a job's output (which the platform or the next step takes on)."""
    saved = next((s for s in code.find(*MODEL_FILES) if s.cell is None and not to_job_output(s, ctx)), None)
    if saved is None or code.first(*_KEPT_ELSEWHERE) is not None or _copied_to_storage(code):
        return
    if not training_sites(code):
        return
    ctx.contradicts(line=saved.line, confidence=0.5,
                    message=f"writes the model it trained to a local file ({saved.name}) with no tracking or "
                            "registry: no recorded version stands behind it")
