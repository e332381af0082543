"""Signals read from the calls of ML workflow and platform libraries: retries of pipeline steps
(Prefect, Metaflow, Flyte, Dagster, KFP, ZenML), point-in-time feature retrieval (Feast,
SageMaker Feature Store, Vertex AI, Azure ML), emissions trackers (CodeCarbon and others),
Hub revisions, and model monitoring from Vertex AI, Azure ML and Evidently code.

SageMaker SDK, boto3 and Airflow calls, and Vertex AI and Azure ML SDK deployments (their
serving capacity), go into the resource model (mllens.scan.model) and are judged there.
"""

from __future__ import annotations

from typing import Any

from mllens.scan.code.analysis import UNKNOWN, CodeIndex, Site
from mllens.scan.code.signals_train import fine_tunes_here
from mllens.scan.context import FileContext

# decorators or calls that take a `retries` count
RETRY_ARGS = ("prefect.task", "prefect.flow", "flytekit.task", "dagster.op", "dagster.asset")
RETRY_OBJECTS = (
    "metaflow.retry",
    "dagster.RetryPolicy",
    "zenml.config.retry_config.StepRetryConfig",
    "zenml.config.StepRetryConfig",
)
POINT_IN_TIME = (
    "feast.FeatureStore().get_historical_features",
    "feast.*FeatureStore().get_historical_features",
    "sagemaker.feature_store.*point_in_time_accurate_join",
    "google.cloud.aiplatform.*Featurestore*().batch_serve_to_*",
    "google.cloud.aiplatform.*FeatureView*",
    "azureml.featurestore.get_offline_features",
    "tecton.*get_historical_features",
)
EMISSIONS = (
    "codecarbon.EmissionsTracker",
    "codecarbon.OfflineEmissionsTracker",
    "codecarbon.track_emissions",
    "carbontracker.tracker.CarbonTracker",
    "eco2ai.Tracker",
    "zeus.monitor.ZeusMonitor",
    "experiment_impact_tracker.*ImpactTracker",
)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def step_retries(ctx: FileContext, code: CodeIndex) -> None:
    site: Site | None = None
    for call in code.find(*RETRY_ARGS):
        retries = _count(call.value("retries", default=None))
        if retries is not None and retries > 0:
            site = call
            break
    site = site or code.first(*RETRY_OBJECTS) or code.first(*RETRY_OBJECTS, sites="decorators")
    if site is None and code.uses("kfp"):
        site = next(iter(code.calls_ending("set_retry")), None)
    if site is not None:
        ctx.supports(line=site.line, message=f"pipeline steps retry transient failures: {site.name}{site.where}")
        return
    # Prefect tasks and flows, none of which declares retries (a count held in a variable, or
    # retries=0 written out, is a decision made elsewhere or on purpose: not judged)
    steps = code.select(("prefect.task", "prefect.flow"), "decorators")
    if steps and not any(c.has_kw("retries") for c in code.find("prefect.task", "prefect.flow")):
        first = steps[0]
        ctx.contradicts(line=first.line, confidence=0.6,
                        message=f"Prefect tasks and flows declare no retries ({len(steps)} steps){first.where}")


def point_in_time_retrieval(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*POINT_IN_TIME)
    if site is not None:
        what = "builds training data with point-in-time feature retrieval"
        ctx.supports(line=site.line, message=f"{what}: {site.name}{site.where}")


def emissions_tracking(ctx: FileContext, code: CodeIndex) -> None:
    site = code.first(*EMISSIONS) or code.first(*EMISSIONS, sites="decorators")
    if site is not None:
        ctx.supports(line=site.line, message=f"measures the energy or emissions of runs: {site.name}{site.where}")


HUB_MODELS = (
    "transformers.*.from_pretrained",
    "diffusers.*.from_pretrained",
    "sentence_transformers.SentenceTransformer",
    "huggingface_hub.hf_hub_download",
    "huggingface_hub.snapshot_download",
)
_MOVING = frozenset({"main", "master", "latest", "head"})
_NOT_WEIGHTS = ("Tokenizer", "Processor", "FeatureExtractor", "Config", "Scheduler")


def _hub_id(value: Any) -> bool:
    """A model id on a hub (`bert-base-uncased`, `org/name`), not a local path."""
    return (
        isinstance(value, str)
        and bool(value)
        and not value.startswith(("/", ".", "~", "s3:", "gs:", "http"))
        and value.count("/") <= 1
        and "\\" not in value
    )


def _pinned(revision: Any) -> bool | None:
    """True for a commit hash or a tag, False for none or a branch, None when unknown."""
    if revision is None:
        return False
    if not isinstance(revision, str):
        return None
    return revision.lower() not in _MOVING


def hub_revisions(ctx: FileContext, code: CodeIndex) -> None:
    fine_tunes: bool | None = None
    for site in code.find(*HUB_MODELS):
        if site.last == "from_pretrained" and any(w in site.name for w in _NOT_WEIGHTS):
            continue  # a tokenizer or config: the weights are what a pin must fix
        repo = site.value(0, default=site.value("repo_id", default=site.value("pretrained_model_name_or_path")))
        if repo is UNKNOWN:  # `from_pretrained(model_name)`, the name a parameter with a default
            given = site.arg(0) or site.kw("repo_id") or site.kw("pretrained_model_name_or_path")
            repo = code.default_of(given)
        if not _hub_id(repo):
            continue
        pinned = _pinned(site.value("revision", default=None))
        if pinned is None:
            continue
        if site.value("trust_remote_code") is True and not pinned:
            ctx.contradicts(line=site.line, check="dependencies_pinned",
                            message=f"{repo} runs the hub's own code (trust_remote_code=True) at no pinned "
                                    f"revision: {site.name}{site.where}")
        if fine_tunes is None:
            fine_tunes = fine_tunes_here(code)
        if fine_tunes:
            if pinned:
                ctx.supports(line=site.line, check="base_model_pinned",
                             message=f"fine-tunes {repo} at a pinned revision: {site.name}{site.where}")
            else:
                ctx.contradicts(line=site.line, check="base_model_pinned",
                                message=f"fine-tunes {repo} with no pinned revision: the weights can change "
                                        f"under the same name ({site.name}{site.where})")
    for site in code.find("torch.hub.load"):
        repo = site.value(0, default=site.value("repo_or_dir"))
        if isinstance(repo, str) and repo.count("/") == 1 and site.value("source", default="github") == "github":
            ref = repo.partition(":")[2]
            if ref and ref.lower() not in _MOVING:
                ctx.supports(line=site.line, check="dependencies_pinned",
                             message=f"torch.hub.load runs {repo} at a pinned ref{site.where}")
            else:
                ctx.contradicts(line=site.line, check="dependencies_pinned",
                                message=f"torch.hub.load runs the hubconf.py of {repo} from its default branch, "
                                        f"unpinned{site.where}")


# Vertex AI monitoring jobs and drift configs and Azure ML MonitorSchedules and drift signals
# are the resource model's (ml_resources.model_monitoring judges them at these lines); here
# they only say an alert is about model monitoring. Evidently's monitors are no cloud resource.
MONITORING_JOBS = (
    "google.cloud.aiplatform.ModelDeploymentMonitoringJob.create",
    "google.cloud.aiplatform.ModelDeploymentMonitoringJob",
    "azure.ai.ml.entities.MonitorSchedule",
    "google.cloud.aiplatform.model_monitoring.DriftDetectionConfig",
    "google.cloud.aiplatform.model_monitoring.SkewDetectionConfig",
    "azure.ai.ml.entities.DataDriftSignal",
    "azure.ai.ml.entities.PredictionDriftSignal",
)
EVIDENTLY_DRIFT = ("evidently.model_monitoring.*DriftMonitor",)
# Evidently runs that compare current data with a reference: a monitoring service, or a report
# or test suite whose metrics or presets (anything of evidently's named *Drift*) measure drift
EVIDENTLY_MONITORS = ("evidently.model_monitoring.ModelMonitoring",)
EVIDENTLY_RUNS = (
    "evidently.report.Report",
    "evidently.Report",
    "evidently.test_suite.TestSuite",
    "evidently.dashboard.Dashboard",
)
EVIDENTLY_DRIFT_PARTS = ("evidently.*Drift*",)
# what runs a module's code again and again: a flow or DAG of an orchestrator
SCHEDULED = ("prefect.flow", "airflow.DAG", "airflow.models.DAG", "airflow.decorators.dag", "dagster.job",
             "dagster.schedule", "metaflow.schedule", "kfp.dsl.pipeline", "zenml.pipeline")
ALERTS = ("google.cloud.aiplatform.model_monitoring.EmailAlertConfig", "azure.ai.ml.entities.AlertNotification")


def _evidently_drift(code: CodeIndex) -> Site | None:
    """Where Evidently compares current data with a reference for drift, if it does here."""
    found = code.first(*EVIDENTLY_DRIFT, *EVIDENTLY_MONITORS)
    if found is None:
        part = code.first(*EVIDENTLY_DRIFT_PARTS)
        if part is not None:
            found = code.first(*EVIDENTLY_RUNS) or part
    return found


def monitoring_jobs(ctx: FileContext, code: CodeIndex) -> None:
    drift = _evidently_drift(code)
    if drift is not None:
        ctx.supports(line=drift.line, check="drift_monitoring",
                     message=f"monitors production inputs for drift: {drift.name}{drift.where}")
        runs = code.first(*SCHEDULED, sites="decorators") or code.first(*SCHEDULED)
        if runs is not None:
            ctx.supports(line=runs.line, check="model_monitoring_schedule",
                         message=f"the drift checks run as an orchestrated flow: {runs.name}{runs.where}")
    alert = code.first(*ALERTS)
    if alert is not None and (drift is not None or code.first(*MONITORING_JOBS) is not None):
        ctx.supports(line=alert.line, check="drift_alert",
                     message=f"monitoring alerts someone when a threshold is crossed: {alert.name}{alert.where}")
