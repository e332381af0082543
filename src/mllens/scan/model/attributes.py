"""Where each syntax writes each attribute of the model: one table, read by every adapter alike.

A key is `Kind.attribute` (a typed field of a kind in `kinds.py`); its value maps a resource
type (Terraform `aws_sagemaker_model`, CloudFormation `AWS::SageMaker::Model`, which the CDK
adapter maps too; a `*` glob such as `AWS::SageMaker::*JobDefinition`) to where that type
writes it:

- `"a.b"`: the value at a dotted path, with its line and what variables and parameters make
  of it (`Reader.at`); `at("a.b", name="b")` names it otherwise in messages;
- `"a[].b"`: `b` of every item or block `a`, as a tuple; a tuple of such paths is joined;
- `block("a")`: the mapping or nested block `a` as one value (present at its first line);
- `switch("a", "Safe")`: an enumerated setting and its safe spelling (`values.Switch`).

Sub-objects (`Variant`, `Metric`) are read from their own block or item, so their paths are
relative to it. What is not one plain value stays code in the adapter: a setting spanning
two resources, a value inside a metadata map, a block read only when another is written.

An attribute only one judgement needs is declared in that rule's own metadata instead
(`reads:` in the family YAML, `Resource.attr(name)`): see `attributes_read`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """How to read one attribute of one resource type."""

    paths: tuple[str, ...]
    many: bool = False  # a tuple of values: the paths' values joined (items of `a[].b` paths)
    mode: str = "at"  # at | block | switch
    name: str | None = None  # the name in messages, when not the path as the reader names it
    safe: tuple[str, ...] = ()  # a switch's safe spellings
    unset_confidence: float | None = 0.7  # a switch's confidence that unset is unsafe


def at(path: str, *, name: str | None = None) -> Spec:
    return Spec((path,), name=name)


def block(key: str) -> Spec:
    return Spec((key,), mode="block")


def switch(path: str, *safe: str, unset: float | None = 0.7, name: str | None = None) -> Spec:
    return Spec((path,), mode="switch", name=name, safe=safe, unset_confidence=unset)


SpecLike = Spec | str | tuple[str, ...]

_VERTEX_KEY = "encryption_spec.kms_key_name"
_SM = "AWS::SageMaker::"
_TF_NOTEBOOK, _CFN_NOTEBOOK = "aws_sagemaker_notebook_instance", _SM + "NotebookInstance"
_TF_CONFIG, _CFN_CONFIG = "aws_sagemaker_endpoint_configuration", _SM + "EndpointConfig"
_TF_DOMAIN, _CFN_DOMAIN = "aws_sagemaker_domain", _SM + "Domain"
_TF_TARGET, _CFN_TARGET = "aws_appautoscaling_target", "AWS::ApplicationAutoScaling::ScalableTarget"
_TF_POLICY, _CFN_POLICY = "aws_appautoscaling_policy", "AWS::ApplicationAutoScaling::ScalingPolicy"
_TF_ALARM, _CFN_ALARM = "aws_cloudwatch_metric_alarm", "AWS::CloudWatch::Alarm"
_TF_RULE, _CFN_RULE = "aws_cloudwatch_event_rule", "AWS::Events::Rule"
_TF_DQ = "aws_sagemaker_data_quality_job_definition"
_AZ_WORKSPACE, _AZ_CLUSTER = "azurerm_machine_learning_workspace", "azurerm_machine_learning_compute_cluster"
# Azure Database single servers (MySQL, PostgreSQL, MariaDB): one shape of TLS, network and backup settings
_AZ_DB_SERVERS = ("azurerm_mysql_server", "azurerm_postgresql_server", "azurerm_mariadb_server")

TABLE: dict[str, dict[str, SpecLike]] = {
    # what an endpoint serves, and each variant (read from its production_variants block or item)
    "Deployment.key": {_TF_CONFIG: "kms_key_arn", "google_vertex_ai_endpoint": _VERTEX_KEY, _CFN_CONFIG: "KmsKeyId"},
    "Deployment.async_inference": {_TF_CONFIG: "async_inference_config", _CFN_CONFIG: block("AsyncInferenceConfig")},
    "Deployment.explainer": {_CFN_CONFIG: block("ExplainerConfig")},
    "Variant.instance_count": {_TF_CONFIG: "initial_instance_count", _CFN_CONFIG: "InitialInstanceCount"},
    "Variant.instance_type": {_TF_CONFIG: "instance_type", _CFN_CONFIG: "InstanceType"},
    "Variant.serverless": {_TF_CONFIG: block("serverless_config"), _CFN_CONFIG: block("ServerlessConfig")},
    "Endpoint.key": {"google_vertex_ai_index_endpoint": _VERTEX_KEY},
    "Model.vpc": {"aws_sagemaker_model": block("vpc_config"), _SM + "Model": block("VpcConfig")},
    "Model.container_modes": {"aws_sagemaker_model": ("primary_container[].mode", "container[].mode"),
                              _SM + "Model": ("PrimaryContainer[].Mode", "Containers[].Mode")},
    "Model.images": {"aws_sagemaker_model": ("primary_container[].image", "container[].image"),
                     _SM + "Model": ("PrimaryContainer[].Image", "Containers[].Image")},
    # the names in the account, matched against a live read (mllens.live.drift)
    "Deployment.cloud_name": {_TF_CONFIG: "name", _CFN_CONFIG: "EndpointConfigName"},
    "Endpoint.cloud_name": {"aws_sagemaker_endpoint": "name", _SM + "Endpoint": "EndpointName"},
    "Model.cloud_name": {"aws_sagemaker_model": "name", _SM + "Model": "ModelName"},
    # notebooks and workspaces
    "Notebook.key": {_TF_NOTEBOOK: "kms_key_id", _CFN_NOTEBOOK: "KmsKeyId"},
    "Notebook.root_access": {_TF_NOTEBOOK: switch("root_access", "Disabled"),
                             _CFN_NOTEBOOK: switch("RootAccess", "Disabled")},
    "Notebook.subnet": {_TF_NOTEBOOK: "subnet_id", _CFN_NOTEBOOK: "SubnetId"},
    "Notebook.internet_access": {_TF_NOTEBOOK: switch("direct_internet_access", "Disabled"),
                                 "google_workbench_instance": switch("gce_setup.disable_public_ip", "true", unset=0.6),
                                 _CFN_NOTEBOOK: switch("DirectInternetAccess", "Disabled")},
    "Notebook.lifecycle_config": {_TF_NOTEBOOK: "lifecycle_config_name", _CFN_NOTEBOOK: "LifecycleConfigName"},
    "Workspace.key": {_TF_DOMAIN: "kms_key_id", _AZ_WORKSPACE: "encryption.key_id", _CFN_DOMAIN: "KmsKeyId"},
    # a domain's one setting answers both: its apps' traffic stays in the VPC, so nothing is public
    "Workspace.vpc_only": {_TF_DOMAIN: switch("app_network_access_type", "VpcOnly"),
                           _AZ_WORKSPACE: switch("managed_network.isolation_mode", "AllowOnlyApprovedOutbound",
                                                 unset=None, name="isolation_mode"),
                           _CFN_DOMAIN: switch("AppNetworkAccessType", "VpcOnly")},
    "Workspace.public_access": {_TF_DOMAIN: switch("app_network_access_type", "VpcOnly"),
                                _AZ_WORKSPACE: switch("public_network_access_enabled", "false"),
                                _CFN_DOMAIN: switch("AppNetworkAccessType", "VpcOnly")},
    # stores of features, data and experiments that take a key (Vertex AI)
    "FeatureStore.key": {"google_vertex_ai_featurestore": _VERTEX_KEY},
    # a SageMaker feature group's online store (its key is read only when the block is written: adapters)
    "FeatureStore.online": {"aws_sagemaker_feature_group": at("online_store_config.enable_online_store",
                                                              name="enable_online_store"),
                            _SM + "FeatureGroup": "OnlineStoreConfig.EnableOnlineStore"},
    "DataStore.key": {"google_vertex_ai_dataset": _VERTEX_KEY},
    "TrackingStore.key": {"google_vertex_ai_metadata_store": _VERTEX_KEY, "google_vertex_ai_tensorboard": _VERTEX_KEY},
    # monitoring, scaling, alarms and schedules
    "MonitoringSchedule.monitoring_type": {
        "aws_sagemaker_monitoring_schedule": "monitoring_schedule_config.monitoring_type",
        _SM + "MonitoringSchedule": "MonitoringScheduleConfig.MonitoringType"},
    "MonitoringJob.baseline": {_TF_DQ: "data_quality_baseline_config"},
    "MonitoringJob.inter_container_encryption": {
        _TF_DQ: at("network_config.enable_inter_container_traffic_encryption",
                   name="enable_inter_container_traffic_encryption"),
        _SM + "*JobDefinition": "NetworkConfig.EnableInterContainerTrafficEncryption"},
    "ScalingTarget.namespace": {_TF_TARGET: "service_namespace", _CFN_TARGET: "ServiceNamespace"},
    "ScalingTarget.min_capacity": {_TF_TARGET: "min_capacity", _CFN_TARGET: "MinCapacity"},
    "ScalingTarget.max_capacity": {_TF_TARGET: "max_capacity", _CFN_TARGET: "MaxCapacity"},
    "ScalingTarget.resource_id": {_TF_TARGET: "resource_id", _CFN_TARGET: "ResourceId"},
    # a policy's target (CloudFormation: ScalingTargetId, else ResourceId) is code in the adapters
    "ScalingPolicy.policy_type": {_TF_POLICY: "policy_type", _CFN_POLICY: "PolicyType"},
    "ScalingPolicy.metric": {
        _TF_POLICY: at("target_tracking_scaling_policy_configuration.predefined_metric_specification"
                       ".predefined_metric_type", name="predefined_metric_type"),
        _CFN_POLICY: "TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType"},
    "ScalingPolicy.target_value": {
        _TF_POLICY: at("target_tracking_scaling_policy_configuration.target_value", name="target_value"),
        _CFN_POLICY: "TargetTrackingScalingPolicyConfiguration.TargetValue"},
    "Metric.namespace": {_TF_ALARM: "namespace", _CFN_ALARM: "Namespace"},
    "Metric.name": {_TF_ALARM: "metric_name", _CFN_ALARM: "MetricName"},
    "Alarm.conditions": {"google_monitoring_alert_policy": "conditions"},
    "Trigger.schedule": {_TF_RULE: "schedule_expression", _CFN_RULE: "ScheduleExpression"},
    "Trigger.pattern": {_TF_RULE: "event_pattern", _CFN_RULE: "EventPattern"},
    # training compute and registered versions
    "TrainingJob.min_nodes": {_AZ_CLUSTER: "scale_settings.min_node_count"},
    "TrainingJob.priority": {_AZ_CLUSTER: "vm_priority"},
    "ModelVersion.approval": {_SM + "ModelPackage": "ModelApprovalStatus"},
    # --- the platform around the ML services (terraform_platform, terraform_stores, cloudformation_platform)
    "Key.spec": {"aws_kms_key": "customer_master_key_spec", "AWS::KMS::Key": "KeySpec"},
    "Key.rotation": {"aws_kms_key": switch("enable_key_rotation", "true", unset=0.9),
                     "AWS::KMS::Key": switch("EnableKeyRotation", "true", unset=0.9)},
    "Key.rotation_schedule": {"google_kms_crypto_key": "rotation_period", "azurerm_key_vault_key": "rotation_policy"},
    "Key.purge_protection": {"azurerm_key_vault": switch("purge_protection_enabled", "true")},
    "AuditTrail.log_validation": {"aws_cloudtrail": switch("enable_log_file_validation", "true"),
                                  "AWS::CloudTrail::Trail": switch("EnableLogFileValidation", "true")},
    "Budget.alerts": {"aws_budgets_budget": "notification", "google_billing_budget": "threshold_rules",
                      "azurerm_consumption_budget_subscription": "notification",
                      "azurerm_consumption_budget_resource_group": "notification",
                      "AWS::Budgets::Budget": "NotificationsWithSubscribers"},
    "DataCatalog.location": {"aws_glue_catalog_table": "storage_descriptor.location"},
    "Network.reaches": {"aws_vpc_endpoint": "service_name"},
    "IdentityPolicy.roles": {"google_project_iam_member": ("role",), "google_project_iam_binding": ("role",),
                             "azurerm_role_assignment": ("role_definition_name",)},
    # a bucket's public-access flags: the resource itself (Terraform), or its configuration block (CloudFormation)
    "PublicAccessBlock.flags": {
        **dict.fromkeys(("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"),
                        ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")),
        "AWS::S3::Bucket": ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")},
    # data stores and container registries
    "DataStore.configures": {"aws_s3_bucket_versioning": "bucket",
                             "aws_s3_bucket_server_side_encryption_configuration": "bucket",
                             "azurerm_storage_account_customer_managed_key": "storage_account_id"},
    "DataStore.versioning": {
        "aws_s3_bucket": switch("versioning.enabled", "true", unset=None),  # inline: only a literal is judged
        "aws_s3_bucket_versioning": switch("versioning_configuration.status", "Enabled", name="status"),
        "google_storage_bucket": switch("versioning.enabled", "true", unset=0.6),
        "azurerm_storage_account": switch("blob_properties.versioning_enabled", "true", unset=0.6,
                                          name="versioning_enabled"),
        "AWS::S3::Bucket": switch("VersioningConfiguration.Status", "Enabled", unset=0.6,
                                  name="VersioningConfiguration.Status")},
    "DataStore.object_lock": {"aws_s3_bucket": "object_lock_enabled",
                              "google_storage_bucket": block("retention_policy")},
    "DataStore.public_prevention": {"google_storage_bucket": "public_access_prevention"},
    "DataStore.uniform_access": {"google_storage_bucket": switch("uniform_bucket_level_access", "true", unset=0.6)},
    "DataStore.public_access": {"azurerm_storage_account": switch("allow_nested_items_to_be_public", "false",
                                                                  unset=0.6)},
    "DataStore.tls": {"azurerm_storage_account": switch("min_tls_version", "TLS1_2", "TLS1_3", unset=None),
                      **dict.fromkeys(_AZ_DB_SERVERS, switch("ssl_enforcement_enabled", "true", unset=None))},
    "DataStore.public_network": {
        **dict.fromkeys(("aws_db_instance", "aws_rds_cluster"), switch("publicly_accessible", "false", unset=None)),
        "google_sql_database_instance": switch("settings.ip_configuration.ipv4_enabled", "false", unset=0.6,
                                               name="ipv4_enabled"),
        **dict.fromkeys(("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"),
                        switch("PubliclyAccessible", "false", unset=None)),
        **dict.fromkeys(_AZ_DB_SERVERS, switch("public_network_access_enabled", "false", unset=0.6))},
    "DataStore.backups": {
        **dict.fromkeys(("aws_db_instance", "aws_rds_cluster"), "backup_retention_period"),
        "google_sql_database_instance": at("settings.backup_configuration.enabled",
                                           name="backup_configuration.enabled"),
        **dict.fromkeys(("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"), "BackupRetentionPeriod"),
        **dict.fromkeys(_AZ_DB_SERVERS, "backup_retention_days")},
    "DataStore.access_logging": {"AWS::S3::Bucket": block("LoggingConfiguration")},
    "ContainerRegistry.immutable_tags": {
        "aws_ecr_repository": switch("image_tag_mutability", "IMMUTABLE"),
        "google_artifact_registry_repository": switch("docker_config.immutable_tags", "true", unset=None),
        "AWS::ECR::Repository": switch("ImageTagMutability", "IMMUTABLE")},
    "ContainerRegistry.scan_on_push": {
        "aws_ecr_repository": switch("image_scanning_configuration.scan_on_push", "true", unset=0.6,
                                     name="scan_on_push"),
        "AWS::ECR::Repository": switch("ImageScanningConfiguration.ScanOnPush", "true", unset=0.6)},
    "ContainerRegistry.admin_user": {"azurerm_container_registry": switch("admin_enabled", "false", unset=None)},
    # functions that run part of the workload (Lambda): tracing, and retries of asynchronous invocations
    "Function.tracing": {
        "aws_lambda_function": switch("tracing_config.mode", "Active", unset=None, name="tracing_config.mode"),
        "AWS::Lambda::Function": switch("TracingConfig.Mode", "Active", unset=None, name="TracingConfig.Mode"),
        "AWS::Serverless::Function": switch("Tracing", "Active", unset=None)},
    "Telemetry.target": {"azurerm_monitor_diagnostic_setting": "target_resource_id"},
    "Function.async_retries": {"aws_lambda_function_event_invoke_config": "maximum_retry_attempts",
                               "AWS::Lambda::EventInvokeConfig": "MaximumRetryAttempts"},
}
