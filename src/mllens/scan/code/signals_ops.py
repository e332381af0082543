"""Signals of operational practice in code: tracking, pipelines, SDK infra (random seeds are in
signals_seeds, the registry in signals_release).

Each function takes a FileContext and the file's CodeIndex (a module's or a notebook's
cells, see view.py) and emits evidence; the python_code family runs them as rules. Patterns are fnmatch globs over the
resolved dotted name (`*` also crosses dots).
"""

from __future__ import annotations

import ast

from mllens.scan.code.analysis import CodeIndex, Site
from mllens.scan.context import FileContext

TRACKING = (
    "mlflow.log_*",
    "mlflow.autolog",
    "mlflow.*.autolog",
    "mlflow.start_run",
    "mlflow.*MlflowClient().log_*",
    "mlflow.*MlflowClient().create_run",
    "wandb.log",
    "wandb.init().log*",
    "wandb.run.log",
    "dvclive.Live",
    "dvclive.*.DVCLiveCallback",
    "dvclive.*Logger",
    "neptune.init_run",
    "neptune.init",
    "comet_ml.Experiment",
    "comet_ml.start",
    "comet_ml.OfflineExperiment",
    "sagemaker.experiments*Run",
    "sagemaker.experiments*load_run",
    "smexperiments.*",
    "google.cloud.aiplatform.start_run",
    "google.cloud.aiplatform.log_*",
    "azureml.core*Run.get_context().log*",
    "azureml.core*Run.get_context().parent.log*",
    "clearml.Task.init",
    "aim.Run",
    "*.loggers.MLFlowLogger",
    "wandb.*WandbCallback",
    "wandb.*WandbMetricsLogger",
    "*.loggers.WandbLogger",
    "*.loggers.CometLogger",
    "*.loggers.NeptuneLogger",
)
# per-run metric logs kept beside the run, read when no tracker is: TensorBoard writers
METRIC_LOGS = (
    "*keras.callbacks.TensorBoard",
    "torch.utils.tensorboard.SummaryWriter",
    "tensorboardX.SummaryWriter",
    "*.loggers.TensorBoardLogger",
)
PARAMS = (
    "mlflow.log_param",
    "mlflow.log_params",
    "mlflow.autolog",
    "mlflow.*.autolog",
    "dvclive.Live().log_param*",
    "google.cloud.aiplatform.log_params",
    "comet_ml.Experiment().log_parameters",
    "wandb.config.update",
    "sagemaker.experiments*Run().log_parameter*",
    "clearml.Task.init().connect",
)
# the datasets a run read, recorded with it (MLflow dataset inputs, W&B artifacts it used)
DATA_INPUTS = ("mlflow.log_input", "mlflow.*().log_inputs", "wandb.init().use_artifact", "wandb.use_artifact")
# a run tagged with the dataset it read (`run.tag("dataset_id", ds.id)`): the tag's key names data
RUN_TAGS = ("mlflow.set_tag", "azureml.core*Run.get_context().tag", "azureml.core*Run.get_context().parent.tag")
REGISTRY = (
    "mlflow.register_model",
    "mlflow.*MlflowClient().create_registered_model",
    "mlflow.*MlflowClient().create_model_version",
    "mlflow.*MlflowClient().transition_model_version_stage",
    "mlflow.*MlflowClient().set_registered_model_alias",
    "sagemaker.*().register",
    "sagemaker.*RegisterModel",
    "sagemaker.*ModelPackage",
    "boto3.client().create_model_package",
    "google.cloud.aiplatform.Model.upload",
    "azure.ai.ml.MLClient().models.create_or_update",
    "azureml.core*Model.register",
    "wandb.*().link_model",
)
# SageMaker Pipelines and Vertex AI PipelineJobs are read into the resource model
# (ml_resources.pipeline_resource judges them at the same line); these are the others.
PIPELINES = (
    "kfp.dsl.pipeline",
    "kfp.*.dsl.pipeline",
    "azure.ai.ml.dsl.pipeline",
    "azureml.pipeline.core*Pipeline",
    "zenml.pipeline",
    "zenml.pipelines.pipeline",
    "metaflow.FlowSpec",
    "prefect.flow",
    "airflow.DAG",
    "airflow.models.DAG",
    "airflow.decorators.dag",
    "kedro.pipeline.pipeline",
    "kedro.pipeline.Pipeline",
    "flytekit.workflow",
    "tfx.orchestration.pipeline.Pipeline",
    "dagster.job",
    "dagster.graph",
)
DATA_STEPS = ("sagemaker.workflow.steps.ProcessingStep", "sagemaker.workflow*ProcessingStep")
_DATA_WORDS = ("prep", "process", "clean", "feature", "ingest", "transform", "etl", "load_data")
IAC_CONSTRUCTS = ("aws_cdk.*", "cdktf.*", "cdktf_cdktf_provider_*", "pulumi_aws.*", "pulumi_gcp.*", "pulumi_azure*")
SDK_DEPLOY = (
    "sagemaker.*().deploy",
    "sagemaker.*EndpointConfig*",
    "google.cloud.aiplatform.Endpoint.create",
    "google.cloud.aiplatform.*Model*().deploy",
    "azure.ai.ml.entities.ManagedOnlineEndpoint",
    "azure.ai.ml.entities.ManagedOnlineDeployment",
    "azure.ai.ml.entities.KubernetesOnlineEndpoint",
)


def _supports_first(
    ctx: FileContext,
    code: CodeIndex,
    patterns: tuple[str, ...],
    what: str,
    *,
    check: str | None = None,
    sites: str = "calls",
) -> Site | None:
    site = code.first(*patterns, sites=sites)
    if site is not None:
        ctx.supports(line=site.line, message=f"{what}: {site.name}{site.where}", check=check)
    return site


# what logs to a run, the line a reviewer cites; a run opened is cited only when nothing logs
_RUN_OPENED = "mlflow.start_run"
_LOGS = tuple(p for p in TRACKING if p != _RUN_OPENED)


# calls whose result is random: a version named by one has no link to what produced the model
RANDOM_IDS = ("random.choice", "random.choices", "random.randint", "random.sample", "uuid.uuid4", "secrets.token_*",
              "numpy.random.randint")  # fmt: skip


def _random_version(ctx: FileContext, code: CodeIndex) -> None:
    """`version_id = "".join(choices(alphabet, k=8))`: a model version named at random."""
    sites = [s for s in code.find(*RANDOM_IDS) if s.cell is None]
    tree = ctx.file.data if sites else None
    if not isinstance(tree, ast.Module):
        return
    random_calls = {id(s.node) for s in sites}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = [t.id for t in targets if isinstance(t, ast.Name) and "version" in t.id.lower()]
            if named and any(id(n) in random_calls for n in ast.walk(node.value)):
                ctx.contradicts(line=node.lineno, check="run_lineage", confidence=0.6,
                                message=f"the model version ({named[0]}) is a random string, with no link to the "
                                        "run, data or code that produced the model")
                return


def experiment_tracking(ctx: FileContext, code: CodeIndex) -> None:
    _random_version(ctx, code)
    site = code.first(*_LOGS) or code.first(_RUN_OPENED)
    wandb_init = code.first("wandb.init")
    if site is None and wandb_init is not None and code.first("wandb.init().*", "wandb.log"):
        site = wandb_init
    if site is None:
        for args in code.find("transformers.TrainingArguments", "transformers.*TrainingArguments"):
            if args.value("report_to") not in (None, "none", [], "tensorboard"):
                site = args
                break
    if site is None:
        site = code.first(*METRIC_LOGS)
    if site is None:
        return
    ctx.supports(
        line=site.line,
        message=f"logs runs to an experiment tracker: {site.name}{site.where}",
        check="experiment_tracking",
    )
    params = code.first(*PARAMS)
    if params is None and wandb_init is not None and wandb_init.has_kw("config"):
        params = wandb_init
    if params is not None:
        ctx.supports(
            line=params.line, message=f"records run parameters: {params.name}{params.where}", check="run_lineage"
        )
    inputs = code.first(*DATA_INPUTS)
    if inputs is None:
        inputs = next((s for s in code.find(*RUN_TAGS) if "data" in str(s.value(0, default="")).lower()), None)
    if inputs is not None:
        what = f"records the datasets a run read: {inputs.name}{inputs.where}"
        ctx.supports(line=inputs.line, message=what, check="run_lineage")


def ml_pipeline(ctx: FileContext, code: CodeIndex) -> None:
    site = _supports_first(ctx, code, PIPELINES, "defines an orchestrated pipeline", check="ml_pipeline")
    if site is None:
        site = _supports_first(
            ctx, code, PIPELINES, "defines an orchestrated pipeline", check="ml_pipeline", sites="decorators"
        )
    if site is None:
        site = _supports_first(
            ctx, code, PIPELINES, "defines an orchestrated pipeline", check="ml_pipeline", sites="bases"
        )
    step = code.first(*DATA_STEPS)
    if step is None:
        components = code.find(
            "kfp.dsl.component", "kfp.*.dsl.component", "kfp.dsl.container_component", sites="decorators"
        )
        step = next((c for c in components if any(w in (c.owner or "").lower() for w in _DATA_WORDS)), None)
    if step is not None:
        ctx.supports(
            line=step.line,
            message=f"runs data preparation as a pipeline step: {step.name}{step.where}",
            check="data_pipeline",
        )


def sdk_infrastructure(ctx: FileContext, code: CodeIndex) -> None:
    # An ML SDK's .deploy() is not counted: a script that creates an endpoint when it runs is not
    # infrastructure declared as code (the resource model reads such calls for their settings).
    construct = next((s for s in code.find(*IAC_CONSTRUCTS) if s.last[:1].isupper()), None)
    if construct is not None:
        ctx.supports(line=construct.line, message=f"defines cloud resources in code: {construct.name}{construct.where}")
