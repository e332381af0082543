"""Signals about how training runs: search, early stopping, checkpoints, spot capacity,
managed jobs, distribution, profiling, and where training code lives."""

from __future__ import annotations

import ast
from typing import Any

from mllens.scan.code.analysis import CodeIndex, Site
from mllens.scan.context import FileContext

ESTIMATORS = (
    "sagemaker.*Estimator",
    "sagemaker.pytorch*PyTorch",
    "sagemaker.tensorflow*TensorFlow",
    "sagemaker.sklearn*SKLearn",
    "sagemaker.huggingface*HuggingFace",
    "sagemaker.xgboost*XGBoost",
    "sagemaker.mxnet*MXNet",
    "sagemaker.chainer*Chainer",
    "sagemaker.rl*RLEstimator",
    "sagemaker.modules.train.ModelTrainer",
)
VERTEX_JOBS = (
    "google.cloud.aiplatform.CustomJob",
    "google.cloud.aiplatform.CustomTrainingJob",
    "google.cloud.aiplatform.CustomContainerTrainingJob",
    "google.cloud.aiplatform.CustomPythonPackageTrainingJob",
    "google.cloud.aiplatform.AutoML*TrainingJob",
)
# the same jobs requested through the cloud's API clients (boto3, the Vertex AI GAPIC client)
API_JOBS = (
    "boto3.client().create_training_job",
    "boto3.client().create_hyper_parameter_tuning_job",
    "google.cloud.aiplatform_v1*JobServiceClient().create_custom_job",
)
AZURE_JOBS = ("azure.ai.ml.command", "azure.ai.ml.entities.CommandJob", "azureml.core.ScriptRunConfig")
SEARCH = (
    "sklearn.model_selection*SearchCV",
    "optuna.create_study",
    "ray.tune.Tuner",
    "ray.tune.run",
    "ray.tune.tune.run",
    "sagemaker.tuner.HyperparameterTuner",
    "sagemaker.*HyperparameterTuner",
    "hyperopt.fmin",
    "keras_tuner.*",
    "kerastuner.*",
    "google.cloud.aiplatform.HyperparameterTuningJob",
    "azure.ai.ml.sweep",
    "skopt.*",
    "flaml.AutoML",
    "flaml.tune.run",
    "wandb.sweep",
)
EARLY_STOPPING = (
    "*keras.callbacks.EarlyStopping",
    "*lightning*.EarlyStopping",
    "transformers.EarlyStoppingCallback",
    "xgboost.callback.EarlyStopping",
    "lightgbm.early_stopping",
    "optuna.pruners.*",
    "ray.tune.schedulers.*",
    "keras_tuner.Hyperband",
    "ignite.handlers.EarlyStopping",
    "skorch.callbacks.EarlyStopping",
)
CHECKPOINTS = (
    "*keras.callbacks.ModelCheckpoint",
    "*keras.callbacks.BackupAndRestore",
    "*lightning*.ModelCheckpoint",
    "tensorflow.train.Checkpoint",
    "tensorflow.train.CheckpointManager",
    "accelerate.Accelerator().save_state",
    "torch.distributed.checkpoint.*",
    "orbax.checkpoint.*",
    "ray.train.Checkpoint*",
    "*Trainer().save_checkpoint",
)
DISTRIBUTED = (
    "torch.nn.parallel.DistributedDataParallel",
    "torch.nn.DataParallel",
    "torch.nn.parallel.DataParallel",
    "torch.distributed.init_process_group",
    "torch.distributed.fsdp.*",
    "horovod.*.init",
    "horovod.*DistributedOptimizer",
    "tensorflow.distribute.*Strategy",
    "deepspeed.initialize",
    "ray.train.*Trainer",
    "xgboost.dask.*",
    "xgboost.spark.*",
    "torch.distributed.elastic.*",
)
PROFILERS = (
    "torch.profiler.profile",
    "torch.autograd.profiler.profile",
    "tensorflow.profiler.experimental.*",
    "sagemaker.debugger.*",
    "smdebug.*",
    "*lightning*.profilers.*",
    "*lightning.profiler*",
)
PRETRAINED = (
    "transformers.*.from_pretrained",
    "diffusers.*.from_pretrained",
    "sentence_transformers.SentenceTransformer",
    "timm.create_model",
    "torchvision.models.*",
    "*keras.applications.*",
)
# from_pretrained of these loads files around a model, not its weights
_NOT_WEIGHTS = ("Tokenizer", "Processor", "FeatureExtractor", "Config", "Scheduler")
_NOT_MODELS = (
    "Scaler",
    "Encoder",
    "Vectorizer",
    "Imputer",
    "Tokenizer",
    "Binarizer",
    "ColumnTransformer",
    "preprocessing",
    "feature_extraction",
    "impute",
    "decomposition",
    "LabelBinarizer",
)


def _text(value: Any) -> str:
    return value.upper() if isinstance(value, str) else ""


def _emit(
    ctx: FileContext,
    site: Site,
    outcome: str,
    message: str,
    *,
    check: str | None = None,
    confidence: float | None = None,
) -> None:
    text = f"{message}: {site.name}{site.where}"
    if outcome == "supports":
        ctx.supports(line=site.line, message=text, check=check, confidence=confidence)
    elif outcome == "contradicts":
        ctx.contradicts(line=site.line, message=text, check=check, confidence=confidence)
    else:
        ctx.info(line=site.line, message=text, check=check)


# parts of a search (its space, its objective), not the search: cited only when nothing else is
_SEARCH_PARTS = frozenset({"HyperParameters", "HyperParameter", "Objective", "Choice", "Int", "Float"})


def hyperparameter_search(ctx: FileContext, code: CodeIndex) -> None:
    sites = code.select(SEARCH)
    site = next((s for s in sites if s.last not in _SEARCH_PARTS), sites[0] if sites else None)
    if site is not None:
        _emit(ctx, site, "supports", "tunes hyperparameters with an automated search")


def _strategy(site: Site) -> tuple[str, str] | None:
    """(outcome, what) for one search, or None when the strategy cannot be told."""
    name, last = site.name, site.last
    if last in ("GridSearchCV", "GridSearch") or name.endswith("GridSampler"):
        return "contradicts", "exhaustive grid search"
    if last in ("HalvingGridSearchCV", "HalvingRandomSearchCV", "BayesSearchCV", "BayesianOptimization", "Hyperband"):
        return "supports", "successive-halving or Bayesian search"
    if last in ("RandomizedSearchCV", "RandomSearch"):
        return "contradicts", "random search (no trial learns from the earlier ones)"
    if last in ("HyperparameterTuner", "HyperparameterTuningJob", "sweep"):
        key = {"HyperparameterTuner": "strategy", "HyperparameterTuningJob": "search_algorithm"}.get(
            last, "sampling_algorithm"
        )
        raw = site.value(key, default=None)
        if raw is None and last != "sweep":
            return "supports", f"{key} left at its default (Bayesian)"
        value = _text(raw)
        if "GRID" in value:
            return "contradicts", f"{key}={raw}"
        if "RANDOM" in value:
            return "contradicts", f"{key}={raw} (no trial learns from the earlier ones)"
        if "BAYES" in value or "HYPERBAND" in value:
            return "supports", f"{key}={raw}"
        return None  # held in a variable, or a value we do not know
    if last == "create_study":
        sampler = _text(site.value("sampler", default="TPE (default)"))
        if "GRID" in sampler:
            return "contradicts", "optuna GridSampler"
        if "RANDOM" in sampler:
            return "contradicts", "optuna RandomSampler (no trial learns from the earlier ones)"
        return "supports", f"optuna sampler {sampler.lower()}"
    if last == "fmin":
        algo = _text(site.value("algo"))
        if "TPE" in algo or "ATPE" in algo:
            return "supports", "hyperopt TPE"
        return ("contradicts", "hyperopt random search") if "RAND" in algo else None
    if name.startswith("ray.tune"):
        config = site.value("tune_config") or ""
        search = _text(site.value("search_alg", default=config)) + _text(site.value("scheduler", default=""))
        if any(w in search for w in ("OPTUNA", "HYPEROPT", "BAYES", "AX", "ASHA", "HYPERBAND", "BOHB", "TUNECONFIG")):
            return "supports", "ray tune with a model-based search or early-stopping scheduler"
    return None


def search_strategy(ctx: FileContext, code: CodeIndex) -> None:
    for site in code.find(*SEARCH):
        found = _strategy(site)
        if found is not None:
            # random search beats a grid, so it is a weaker gap than one
            weaker = 0.6 if found[0] == "contradicts" and "random" in found[1].lower() else None
            _emit(ctx, site, found[0], f"search strategy is {found[1]}", confidence=weaker)


def early_stopping(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*EARLY_STOPPING)
    if site is None:
        for call in code.calls_with_kw("early_stopping_rounds", "early_stopping", "n_iter_no_change"):
            if not call.resolved and call.last not in ("fit", "train"):
                continue
            if call.value("early_stopping_rounds") not in (None,) or call.value("early_stopping") is True:
                site = call
                break
            if call.name.startswith("sklearn.") and call.value("n_iter_no_change") not in (None,):
                site = call
                break
    tuner = next((t for t in code.find("sagemaker.*HyperparameterTuner") if t.has_kw("early_stopping_type")), None)
    if tuner is not None and _text(tuner.value("early_stopping_type")) == "OFF":
        _emit(ctx, tuner, "contradicts", "tuning job turns early stopping off")
    elif tuner is not None and site is None:
        site = tuner
    if site is not None:
        _emit(ctx, site, "supports", "stops training early when the objective stops improving")


def checkpointing(ctx: FileContext, code: CodeIndex) -> None:
    # a SageMaker estimator's checkpoint_s3_uri is a training job's setting: ml_resources.spot_compute
    site = code.first(*CHECKPOINTS)
    if site is None:
        for args in code.find("transformers.TrainingArguments", "transformers.*TrainingArguments"):
            if _text(args.value("save_strategy", default="steps")) != "NO":
                site = args
                break
    if site is None:
        for save in code.find("torch.save"):
            saved = save.value(0)
            if isinstance(saved, dict) and any("optim" in str(k) or "epoch" in str(k) for k in saved):
                site = save
                break
    if site is not None:
        _emit(ctx, site, "supports", "saves training checkpoints")


def _loads_weights(site: Site) -> bool:
    """A call in PRETRAINED that loads a pre-trained model (not a tokenizer, a config...)."""
    name, last = site.name, site.last
    if last == "from_pretrained":
        owner = name[: -len(".from_pretrained")].rsplit(".", 1)[-1]
        return not any(word in owner for word in _NOT_WEIGHTS)
    if name == "timm.create_model":
        return site.value("pretrained") not in (None, False)  # timm's default is random weights
    if name.startswith("torchvision."):  # `weights=` (or the older `pretrained=True`)
        loads = site.value("weights") is not None or site.value("weights_backbone") is not None
        return last[:1].islower() and (loads or site.value("pretrained") not in (None, False))
    if "keras.applications." in name:  # model classes (not preprocess_input), imagenet by default
        return last[:1].isupper() and site.value("weights", default="imagenet") is not None
    return True  # SentenceTransformer


def trains(code: CodeIndex) -> bool:
    """The module trains: a training call (see training_sites) or an optimizer step."""
    if training_sites(code):
        return True
    for site in code.calls_ending("step"):
        receiver = site.name[: -len(".step")].lower()
        if "optim" in receiver and "sched" not in receiver:
            return True
    return code.first("accelerate.Accelerator().backward") is not None


def fine_tunes_here(code: CodeIndex) -> bool:
    """The module trains, or defines a Lightning module (whose training_step a Trainer runs)."""
    return trains(code) or code.first("*LightningModule", sites="bases") is not None


def warm_start(ctx: FileContext, code: CodeIndex) -> None:
    site = next((t for t in code.find("sagemaker.*HyperparameterTuner") if t.has_kw("warm_start_config")), None)
    site = site or code.first("sagemaker.tuner.WarmStartConfig", "sagemaker.*WarmStartConfig")
    site = site or next(
        (
            c
            for c in code.calls_with_kw("warm_start")
            if c.resolved and c.name.startswith("sklearn.") and c.value("warm_start") is True
        ),
        None,
    )
    site = site or next(
        (
            c
            for c in code.calls_with_kw("resume_from_checkpoint", "ckpt_path")
            if c.has_kw("resume_from_checkpoint", "ckpt_path")
            and c.value("resume_from_checkpoint", default=c.value("ckpt_path")) not in (None, False)
        ),
        None,
    )
    if site is None:  # a model restored from a checkpoint, then trained on
        resumed = code.calls_ending("load_from_checkpoint", "load_weights")
        site = resumed[0] if resumed and fine_tunes_here(code) else None
    if site is not None:
        _emit(ctx, site, "supports", "starts from earlier weights or tuning jobs", check="warm_start")
    pretrained = next((s for s in code.find(*PRETRAINED) if _loads_weights(s)), None)
    # loading a pre-trained model only to predict with it warm-starts nothing
    if pretrained is not None and fine_tunes_here(code):
        if site is None:
            _emit(ctx, pretrained, "supports", "trains from pre-trained weights", check="warm_start")
        _emit(ctx, pretrained, "supports", "trains from pre-trained weights", check="pretrained_start")


def spot_training(ctx: FileContext, code: CodeIndex) -> None:
    # SageMaker estimators (use_spot_instances) are training jobs of the resource model,
    # judged by ml_resources.spot_compute; these are the SDKs it does not read for capacity
    for site in code.calls_with_kw("scheduling_strategy"):
        if site.has_kw("scheduling_strategy") and "SPOT" in _text(site.value("scheduling_strategy")):
            _emit(ctx, site, "supports", "Vertex AI job uses spot VMs")
    for site in code.find(
        "azure.ai.ml.entities.AmlCompute",
        "azureml.core*AmlCompute.provisioning_configuration",
        "azure.ai.ml.entities.QueueSettings",
    ):
        tier = _text(site.value("tier", default=site.value("vm_priority", default=site.value("job_tier", default=""))))
        if "LOW" in tier.replace("_", "") or "SPOT" in tier:
            _emit(ctx, site, "supports", "Azure ML compute uses low-priority or spot VMs")
        elif "DEDICATED" in tier:
            _emit(ctx, site, "contradicts", "Azure ML compute uses dedicated VMs")


def managed_training(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(
        *ESTIMATORS, *VERTEX_JOBS, *AZURE_JOBS, *API_JOBS, "kubeflow.training.TrainingClient().create_job"
    )
    if site is not None:
        _emit(ctx, site, "supports", "training runs as a managed, job-scoped training job")


def distributed_training(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*DISTRIBUTED)
    if site is None:
        for call in code.find(*ESTIMATORS, *AZURE_JOBS, "*lightning*Trainer", "google.cloud.aiplatform.*Job().run"):
            count = call.value(
                "instance_count", default=call.value("replica_count", default=call.value("num_nodes", default=1))
            )
            strategy = _text(call.value("strategy", default=""))
            if (
                call.has_kw("distribution")
                or (isinstance(count, int) and count > 1)
                or any(w in strategy for w in ("DDP", "FSDP", "DEEPSPEED"))
            ):
                site = call
                break
    if site is not None:
        _emit(ctx, site, "supports", "training is distributed across devices or nodes")


def _profiles(call: Site) -> bool:
    if call.has_kw("profiler_config", "rules"):
        return True
    if call.has_kw("debugger_hook_config") and call.value("debugger_hook_config") is not False:
        return True
    return call.value("profiler") not in (None, False) or call.value("profile_batch") not in (None, 0, "0")


def training_profiler(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*PROFILERS)
    for call in code.find(*ESTIMATORS, "*lightning*Trainer", "*keras.callbacks.TensorBoard"):
        if call.value("disable_profiler") is True:
            _emit(ctx, call, "contradicts", "training job turns the profiler off (disable_profiler=True)")
        elif site is None and _profiles(call):
            site = call
    if site is not None:
        _emit(ctx, site, "supports", "training runs a profiler or debugger")


def training_sites(code: CodeIndex) -> list[Site]:
    """Calls that train a model: fit/train with data, a trainer's train(), loss.backward()."""
    found: list[Site] = []
    for site in code.calls_ending("fit", "fit_generator", "train", "backward"):
        last = site.last
        receiver = site.name[: -len(last) - 1] if "." in site.name else ""
        if any(word in receiver for word in _NOT_MODELS):
            continue
        if (
            (last in ("fit", "fit_generator", "train") and site.nargs > 0 and receiver)
            or (last == "train" and receiver.endswith("Trainer()"))
            # a loss: a name no import binds, or the value some call returned (`loss = crit(...)`)
            or (last == "backward" and receiver and (not site.resolved or receiver.endswith(")")))
        ):
            found.append(site)
    return sorted(found, key=lambda s: s.line)


CROSS_VALIDATION = ("sklearn.model_selection.cross_val*", "sklearn.cross_validation.cross_val*")
TRAINER_TESTS = ("*lightning*Trainer*().test", "transformers.*Trainer().evaluate")
_HELD_OUT = ("test", "holdout", "held_out")


def held_out_evaluation(ctx: FileContext, code: CodeIndex) -> None:
    """A model judged on data it did not train on: cross-validation, a trainer's test run, or
    Keras' evaluate on a test split, in a module that trains."""
    site = code.first(*CROSS_VALIDATION)
    if site is None:
        tested = code.first(*TRAINER_TESTS)
        evaluated = [e for e in code.calls_ending("evaluate") if _names_held_out(e)]
        candidates = [s for s in (tested, evaluated[0] if evaluated else None) if s is not None]
        site = min(candidates, key=lambda s: s.line) if candidates and trains(code) else None
    if site is not None:
        _emit(ctx, site, "supports", "evaluates the model on data held out from training")


def _names_held_out(site: Site) -> bool:
    """`model.evaluate(x_test, y_test)`, `evaluate(test_dataset)`: its data named as a test split."""
    first = site.arg(0) or site.kw("x")
    name = first.id if isinstance(first, ast.Name) else first.attr if isinstance(first, ast.Attribute) else ""
    return any(word in name.lower() for word in _HELD_OUT)
