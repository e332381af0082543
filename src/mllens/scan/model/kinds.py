"""The kinds of resource an ML workload is made of, whichever syntax declared them.

The vocabulary is provider-neutral: a SageMaker endpoint configuration and a Vertex AI
endpoint are both a `Deployment` (what serves, on what, capturing what), a SageMaker domain
and an Azure ML workspace are both a `Workspace`. Each keeps its `provider`, `type` and
`address` for messages. An attribute a kind has but a provider's resource cannot express is
None (not judged); an attribute it can express but the file does not write is a `Value`
whose kind is "absent", placed at the line of the resource or block that would hold it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mllens.scan.model.values import Switch, Value

Syntax = Literal["terraform", "cloudformation", "cdk", "python", "kubernetes", "bicep", "arm", "azureml", "live"]


@dataclass(frozen=True, kw_only=True)
class Resource:
    syntax: Syntax
    provider: str  # aws, google, azure
    service: str  # for messages: "SageMaker", "Vertex AI", "Azure Machine Learning", ...
    type: str  # the resource type as written: aws_sagemaker_model, AWS::SageMaker::Model
    name: str  # the Terraform name or CloudFormation logical id (what references use)
    address: str  # how messages name it: aws_sagemaker_model.m, M (AWS::SageMaker::Model)
    file: str
    line: int
    ml: bool = False  # one of the ML service's own resources (for "ML infrastructure as code")
    key: Value | None = None  # the customer-managed key of its storage; None: no such setting
    # Cost-allocation tags or labels as written (absent when not); None: the type cannot carry them
    tags: Value | None = None
    tag_defaults: str = ""  # the provider whose default tags may apply from another file ("": none can)
    scripted: bool = False  # created by code when it runs (an SDK call), not declared as infrastructure
    retired: str = ""  # what the provider retired this resource type for ("": a current type)
    cloud_name: Value | None = None  # the name it has in the account (what a live reader matches it by)
    # Attributes judgements declare in their own metadata (`reads:`; see attributes_read)
    extra: tuple[tuple[str, Value], ...] = ()

    def attr(self, name: str) -> Value | None:
        """An attribute a rule's metadata declares (`reads:`): its value, absent when this
        resource does not write it; None when its type has no such setting (not judged)."""
        for key, value in self.extra:
            if key == name:
                return value
        return None


@dataclass(frozen=True, kw_only=True)
class Variant:
    """One model variant a deployment serves."""

    instance_count: Value
    instance_type: Value
    serverless: Value  # the serverless-capacity block
    shadow: bool = False


@dataclass(frozen=True, kw_only=True)
class Capture:
    """Capture of inference requests and predictions."""

    block: Value  # the capture/logging block (absent when not written)
    enabled: Value  # its on/off flag
    on_by_default: bool  # a block without the flag captures
    required: bool  # an absent or disabled capture is a gap (False: only credited when on)


@dataclass(frozen=True, kw_only=True)
class Deployment(Resource):
    """What an endpoint serves and how: a SageMaker endpoint configuration, a Vertex AI endpoint."""

    variants: tuple[Variant, ...] = ()
    capture: Capture | None = None
    async_inference: Value | None = None
    private_access: Value | None = None  # the setting that makes it reachable only privately
    explainer: Value | None = None  # online explanations returned with predictions
    scaling: Switch | None = None  # its own autoscaling mode (Azure ML); safe: scales on utilisation
    egress: Switch | None = None  # outbound internet access of its containers; None: not judged
    batch: Value | None = None  # written when it scores in batch (an Azure ML batch deployment)

    @property
    def serverless(self) -> bool:
        """Every variant runs on serverless capacity (which supports neither capture nor a VPC)."""
        return bool(self.variants) and all(v.serverless.written for v in self.variants)


@dataclass(frozen=True, kw_only=True)
class Rollout:
    block: Value  # the deployment policy block
    rolling: Value
    traffic_type: Value  # blue/green traffic shifting: ALL_AT_ONCE, CANARY, LINEAR
    auto_rollback: Value


@dataclass(frozen=True, kw_only=True)
class Endpoint(Resource):
    """An addressable serving endpoint: a SageMaker endpoint, a Vertex AI index endpoint."""

    rollout: Rollout | None = None
    public_access: Switch | None = None  # the scoring URL reachable from the internet
    auth_mode: Value | None = None  # how callers authenticate; None: no such setting
    auth_default: str = ""  # the mode the service uses when auth_mode is unset ("": none)
    batch: Value | None = None  # written when it scores in batch (an Azure ML batch endpoint)


@dataclass(frozen=True, kw_only=True)
class Model(Resource):
    """A deployable model: its containers and their network placement."""

    vpc: Value | None = None
    serverless_only: bool = False  # only served from all-serverless deployments of this file
    container_modes: tuple[Value, ...] = ()  # SingleModel / MultiModel per container
    images: tuple[Value, ...] = ()  # the image of each container, as written


@dataclass(frozen=True, kw_only=True)
class Notebook(Resource):
    """A managed notebook instance (SageMaker notebook instance, Vertex Workbench, ...)."""

    root_access: Switch | None = None
    subnet: Value | None = None  # None: placement is not judged for this type
    internet_access: Switch | None = None
    lifecycle_config: Value | None = None  # the start-up script that can stop it when idle
    idle_timeout: Value | None = None  # the service's own idle shutdown setting


@dataclass(frozen=True, kw_only=True)
class Workspace(Resource):
    """A shared ML workspace: a SageMaker domain, an Azure ML workspace."""

    vpc_only: Switch | None = None  # apps' traffic confined to your network
    public_access: Switch | None = None  # reachable from the internet
    provisions_notebooks: bool = False
    idle_settings: tuple[Value, ...] = ()  # idle shutdown of its apps, wherever nested
    user_defaults: Value | None = None  # the settings its users' apps start with (a domain's); None: none


@dataclass(frozen=True, kw_only=True)
class NotebookLifecycle(Resource):
    """A notebook or studio lifecycle (start-up) script."""

    content: str  # every value of the resource as text, to look for an idle auto-stop


@dataclass(frozen=True, kw_only=True)
class ModelVersion(Resource):
    """A registered model version (model package)."""

    approval: Value


@dataclass(frozen=True, kw_only=True)
class FeatureStore(Resource):
    offline_key: Value | None = None  # the key of the offline store, when it has one
    # its online store turned on (SageMaker EnableOnlineStore; absent: off); None: always online or not expressed
    online: Value | None = None

    @property
    def offline_only(self) -> bool:
        """Its online store is off in every environment (unset: the service's default, off);
        a reference nothing resolves may turn it on."""
        return self.online is not None and all(v.unset or v.as_bool() is False for v in self.online.each())


@dataclass(frozen=True, kw_only=True)
class StoreEncryption:
    """A store's default encryption: the settings block, its algorithm and its key."""

    default: Value  # the default-encryption block
    algorithm: Value  # absent where the syntax has no algorithm (the key alone decides)
    key: Value
    unset_confidence: float | None = None  # how sure a missing block means provider keys; None: not judged
    unset_meaning: str = "the provider's own keys are used"  # what a missing setting means, for messages


@dataclass(frozen=True, kw_only=True)
class PublicAccessBlock:
    """Flags that each block one way of making a store's objects public (S3)."""

    block: Value  # the settings block (or the resource that is one)
    flags: tuple[Value, ...]


@dataclass(frozen=True, kw_only=True)
class LifecycleAction:
    """An enabled lifecycle rule's action on aged objects: expire them, or tier them colder."""

    action: Literal["expire", "tier"]
    value: Value  # the setting that says so, as written


@dataclass(frozen=True, kw_only=True)
class DataStore(Resource):
    """A bucket, database, dataset or file share (or a resource that configures one, such as
    aws_s3_bucket_versioning: its address names it in messages)."""

    versioning: Switch | None = None
    encryption: StoreEncryption | None = None
    public_block: PublicAccessBlock | None = None
    public_access: Switch | None = None  # a single setting that allows public objects
    public_prevention: Value | None = None  # a setting that prevents public access when "enforced"
    lifecycle: tuple[LifecycleAction, ...] = ()
    access_logging: Value | None = None  # server access logs of the store
    object_lock: Value | None = None  # write-once retention (Object Lock, retention or immutability policy)
    # Data stores across clouds (issue 11): transport, network reach, backups
    https_only: Value | None = None  # a flag that refuses plain HTTP when true
    tls: Switch | None = None  # the setting that requires TLS (a minimum version, an SSL mode)
    public_network: Switch | None = None  # reachable from public networks (not only private endpoints)
    uniform_access: Switch | None = None  # object ACLs off: access only through IAM
    backups: Value | None = None  # automated backups (a flag) or their retention (days)
    configures: Value | None = None  # the store a settings resource belongs to (its bucket attribute)
    settings_apart: bool = False  # its settings may be separate resources that name it (`configures`)


@dataclass(frozen=True, kw_only=True)
class TrackingStore(Resource):
    """Experiment, metadata and lineage stores (Vertex AI metadata store, TensorBoard)."""


@dataclass(frozen=True, kw_only=True)
class MonitoringSchedule(Resource):
    monitoring_type: Value


MonitoringPurpose = Literal["data_quality", "model_quality", "model_bias", "explainability", "other"]


@dataclass(frozen=True, kw_only=True)
class MonitoringJob(Resource):
    """What a monitoring schedule runs: a data quality, bias, ... job definition."""

    purpose: MonitoringPurpose
    baseline: Value
    inter_container_encryption: Value


@dataclass(frozen=True, kw_only=True)
class Pipeline(Resource):
    # Read where the steps are written with the pipeline (SDK code, DAGs); None: not read
    gate: Value | None = None  # a condition step on evaluation results
    registers: Value | None = None  # a step that registers a model version
    retries: Value | None = None  # the retry settings of its steps or tasks
    runs_ml: bool = True  # False: a general-purpose workflow (a DAG that runs no ML service's work)
    deploys: Value | None = None  # a step that deploys or pushes a model to serving
    trains: Value | None = None  # a step that trains a model
    validates_data: Value | None = None  # a data validation step before training (absent: none)
    schedule: Value | None = None  # the schedule or event that starts runs (absent: started by hand)
    key_secrets: tuple[Value, ...] = ()  # steps handed a long-lived cloud key from a secret
    images: tuple[Value, ...] = ()  # the container images its steps run, as written
    tunes: Value | None = None  # a hyperparameter tuning step
    managed_training: tuple[Value, ...] = ()  # training steps run as managed, job-scoped jobs (raw: the service)
    profiles_data: Value | None = None  # a step that profiles the data (statistics, inferred schema)
    release_test: Value | None = None  # a step that tests the model in a production-like server before release
    batch_scoring: Value | None = None  # scores data with a trained model in a run (no standing endpoint)
    model_default: Value | None = None  # the model a run loads when its parameter is not given, as written
    host_preparation: Value | None = None  # data prepared on the orchestrator's own workers (raw: the operator)
    step_resources: Value | None = None  # where a step's CPU or memory is set (a training step's first)
    secret_env: Value | None = None  # the first step given credentials from a Kubernetes secret
    exit_handler: Value | None = None  # a step that runs however the run ends (reports or cleans up)


@dataclass(frozen=True, kw_only=True)
class ModelRegistry(Resource):
    """A model registry or model package group."""


@dataclass(frozen=True, kw_only=True)
class ScalingTarget(Resource):
    """An autoscaling registration of serving capacity."""

    namespace: Value
    min_capacity: Value
    max_capacity: Value
    resource_id: Value | None = None  # what it scales, as written (`resource_id`, `ResourceId`)


@dataclass(frozen=True, kw_only=True)
class ScalingPolicy(Resource):
    """A scaling policy of an autoscaling target: without one, a registered target never scales."""

    target: Value  # the target it names: a reference to it, its ScalingTargetId, or its resource id
    policy_type: Value  # TargetTrackingScaling, StepScaling
    metric: Value | None = None  # the tracked metric (predefined type or custom metric name)
    target_value: Value | None = None


@dataclass(frozen=True, kw_only=True)
class TuningJob(Resource):
    """The budget of a hyperparameter tuning job, as its settings or request spell it."""

    max_trials: Value  # how many trials it may run in all
    parallel: Value  # how many run at once
    early_stopping: Value  # trials stopped when they stop improving


@dataclass(frozen=True, kw_only=True)
class TrainingJob(Resource):
    """A training job, estimator or training compute cluster."""

    min_nodes: Value | None = None
    priority: Value | None = None  # spot / low-priority capacity
    idle_scale_down: Value | None = None  # how long idle nodes wait before they are released
    # A job's own settings (SDK estimators and processors, CreateTrainingJob requests); None: not expressed
    processing: bool = False  # a processing job: the same settings, no model trained
    instance_count: Value | None = None
    distribution: Value | None = None  # a distributed-training setting
    inter_node_encryption: Value | None = None
    network_isolation: Value | None = None
    vpc: Value | None = None  # its subnets or VPC configuration
    output_key: Value | None = None  # the key of its output (the volume key is `key`)
    spot: Value | None = None
    checkpoint: Value | None = None
    image: Value | None = None  # the training or processing image it runs, as written


@dataclass(frozen=True, kw_only=True)
class Key(Resource):
    """An encryption key (KMS, Cloud KMS, Key Vault)."""

    spec: Value | None = None  # the key spec: only symmetric keys rotate automatically
    rotation: Switch | None = None  # rotation turned on or off
    rotation_schedule: Value | None = None  # rotation given as a period or policy
    schedule_unset_confidence: float | None = None  # None: the rule's own confidence
    # a key vault's own protection (Key Vault): purge protection, network reach, RBAC permissions
    purge_protection: Switch | None = None
    public_network: Switch | None = None
    rbac: Switch | None = None


@dataclass(frozen=True, kw_only=True)
class ContainerRegistry(Resource):
    immutable_tags: Switch | None = None
    encryption: StoreEncryption | None = None  # the customer-managed key of its images
    scan_on_push: Switch | None = None  # images scanned for vulnerabilities when pushed
    public_network: Switch | None = None  # reachable from public networks
    admin_user: Switch | None = None  # a shared admin credential (ACR)


@dataclass(frozen=True, kw_only=True)
class AuditTrail(Resource):
    """An audit log of API calls (CloudTrail, a project's audit config)."""

    log_validation: Switch | None = None
    data_events: str = ""  # which data access it records ("S3 object-level", "DATA_READ"); "" for none


@dataclass(frozen=True, kw_only=True)
class Budget(Resource):
    alerts: Value  # the notification or threshold setting that makes it alert


@dataclass(frozen=True, kw_only=True)
class DataCatalog(Resource):
    """A data catalog entry or crawler, or a governed data lake."""

    role: Literal["catalog", "lake"]
    location: Value | None = None  # where a catalogued table's data lives


@dataclass(frozen=True, kw_only=True)
class DataProcessingJob(Resource):
    """A data processing job or application on serverless capacity (Glue, EMR Serverless, Dataflow ...)."""


# IdentityPolicy (with its statements) is in kinds_platform.


@dataclass(frozen=True, kw_only=True)
class Network(Resource):
    """A network path: a VPC endpoint, a private endpoint."""

    reaches: Value | None = None  # the service name it reaches
    admits_only_selected: bool = False  # a policy that lets in only the callers it names (Kubernetes NetworkPolicy)
    connection: str = ""  # the private connection's settings, as text (target resource and sub-resource)


@dataclass(frozen=True, kw_only=True)
class Metric:
    namespace: Value
    name: Value


@dataclass(frozen=True, kw_only=True)
class Alarm(Resource):
    """An alarm or alert policy on metrics."""

    metrics: tuple[Metric, ...] = ()
    conditions: Value | None = None  # alert policies that select metrics by a filter expression


@dataclass(frozen=True, kw_only=True)
class Trigger(Resource):
    """An event rule or schedule, and whether it starts an ML pipeline."""

    schedule: Value
    pattern: Value  # the event pattern it matches
    starts_pipeline: bool = False
    starts: str = "the SageMaker pipeline"  # what it starts, for messages
