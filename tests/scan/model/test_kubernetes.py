"""Kubernetes manifests (and chart renderings per environment) into the resource model."""

from __future__ import annotations

from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Alarm, Deployment, Endpoint, Network, Resource, ScalingTarget, Trigger
from mllens.scan.model.kubernetes import resources
from mllens.scan.model.kubernetes_envs import merged
from mllens.scan.parse.yaml import parse_yaml_documents

KSERVE = """\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: churn
  labels:
    networking.kserve.io/visibility: cluster-local
spec:
  predictor:
    minReplicas: 2
    scaleMetric: concurrency
    canaryTrafficPercent: 10
    logger:
      mode: all
    model:
      storageUri: s3://m/churn/v3
  transformer:
    minReplicas: 1
  explainer:
    alibi: {type: AnchorTabular}
"""


def _state(text: str, path: str = "k8s/serving.yaml") -> list[Resource]:
    return list(state_of(ParsedFile(path, "yaml", text, parse_yaml_documents(text))).resources)


def test_kserve_inference_service() -> None:
    found = _state(KSERVE)
    deployment = next(r for r in found if isinstance(r, Deployment))
    assert [v.instance_count.raw for v in deployment.variants] == [2, 1]  # predictor, transformer
    assert deployment.variants[0].instance_count.line == 9
    assert deployment.capture is not None and deployment.capture.block.line == 12 and not deployment.capture.required
    assert deployment.explainer is not None and deployment.explainer.line == 18
    assert deployment.private_access is not None and deployment.private_access.line == 5
    endpoint = next(r for r in found if isinstance(r, Endpoint))
    assert endpoint.rollout is not None and endpoint.rollout.traffic_type.raw == "CANARY"
    assert endpoint.rollout.traffic_type.line == 11
    target = next(r for r in found if isinstance(r, ScalingTarget))
    assert (target.line, target.min_capacity.raw, target.max_capacity.written) == (10, 2, False)
    assert all(r.syntax == "kubernetes" and not r.ml for r in found)


def test_kserve_defaults_and_absent_settings() -> None:
    text = (
        "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: m}\nspec:\n  predictor:\n"
        "    maxReplicas: 1\n    model: {storageUri: s3://m/1}\n"
    )
    found = _state(text)
    target = next(r for r in found if isinstance(r, ScalingTarget))
    assert (target.min_capacity.raw, target.min_capacity.name) == (1, "minReplicas (default)")
    assert target.max_capacity.raw == 1
    deployment = next(r for r in found if isinstance(r, Deployment))
    assert deployment.capture is not None and not deployment.capture.block.written
    assert deployment.explainer is not None and not deployment.explainer.written
    assert deployment.private_access is None
    assert next(r for r in found if isinstance(r, Endpoint)).rollout is None


SELDON = """\
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: fraud}
spec:
  predictors:
    - name: main
      replicas: 3
      traffic: 90
      explainer: {type: AnchorTabular}
      componentSpecs:
        - hpaSpec: {minReplicas: 2, maxReplicas: 2}
    - name: canary
      replicas: 1
      traffic: 10
    - name: mirror
      replicas: 1
      shadow: true
"""


def test_seldon_predictors_split_shadow_explainer_and_hpa() -> None:
    found = _state(SELDON)
    deployment = next(r for r in found if isinstance(r, Deployment))
    assert [(v.instance_count.raw, v.shadow) for v in deployment.variants] == [(3, False), (1, True), (1, True)]
    assert deployment.explainer is not None and deployment.explainer.line == 9
    endpoint = next(r for r in found if isinstance(r, Endpoint))
    assert endpoint.rollout is not None and endpoint.rollout.traffic_type.line == 8  # the first traffic share
    target = next(r for r in found if isinstance(r, ScalingTarget))
    assert (target.min_capacity.raw, target.max_capacity.raw, target.max_capacity.line) == (2, 2, 11)


WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec: {replicas: 1}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec: {maxReplicas: 4}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec: {minReplicaCount: 0, maxReplicaCount: 10}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-egress}
spec: {policyTypes: [Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: callers}
spec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api}
spec:
  strategy:
    blueGreen: {activeService: api}
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: api}
spec: {analysis: {interval: 1m}}
"""


def test_plain_workloads_autoscalers_policies_and_progressive_delivery() -> None:
    found = _state(WORKLOADS)
    deployment = next(r for r in found if isinstance(r, Deployment))
    assert deployment.variants[0].instance_count.raw == 1 and deployment.capture is None
    hpa, keda = [r for r in found if isinstance(r, ScalingTarget)]
    assert (hpa.min_capacity.raw, hpa.max_capacity.raw) == (1, 4)  # the HPA's default minimum
    assert (keda.min_capacity.raw, keda.max_capacity.raw, keda.namespace.raw) == (0, 10, "kubernetes")
    assert [r.name for r in found if isinstance(r, Network)] == ["callers"]  # an egress-only policy admits anyone
    rollouts = [r.rollout for r in found if isinstance(r, Endpoint)]
    assert [(r.traffic_type.raw, r.traffic_type.line) for r in rollouts if r] == [("BLUE_GREEN", 31), ("CANARY", 34)]


SCHEDULES = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: t:1, command: [python, train.py]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: busybox, command: [rm]}]}}}}
---
apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: {name: weekly}
spec: {schedule: "0 4 * * 1"}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: model}
spec:
  groups:
    - name: serving
      rules:
        - alert: Latency
          expr: histogram_quantile(0.99, rate(revision_request_latencies_bucket[5m])) > 500
        - record: not-an-alert
          expr: sum(x)
"""


def test_schedules_that_train_and_prometheus_alerts() -> None:
    found = _state(SCHEDULES)
    triggers = [r for r in found if isinstance(r, Trigger)]
    assert [(t.name, t.schedule.line, t.starts_pipeline) for t in triggers] == [
        ("nightly", 5, True),
        ("weekly", 22, True),
    ]
    assert triggers[0].starts == "training (0 2 * * *)"
    alarms = [r for r in found if isinstance(r, Alarm)]
    assert [(a.address, a.line) for a in alarms] == [("PrometheusRule model alert Latency", 31)]
    assert alarms[0].conditions is not None and alarms[0].conditions.line == 32


def _docs(replicas: int) -> list[Any]:
    text = f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api}}\nspec:\n  replicas: {replicas}\n"
    return parse_yaml_documents(text)


def test_environments_that_differ_resolve_per_environment_where_each_sets_it() -> None:
    renders = {env: resources("c/templates/d.yaml", _docs(n)) for env, n in (("dev", 1), ("prod", 3), ("qa", 1))}
    reads = {
        "dev": {5: ("c/values-dev.yaml", 1, "replicaCount")},
        "prod": {5: ("c/values-prod.yaml", 2, "replicaCount")},
        "qa": {5: ("c/values-dev.yaml", 1, "replicaCount")},
    }
    (deployment,) = merged(renders, reads)
    assert isinstance(deployment, Deployment)
    count = deployment.variants[0].instance_count
    assert count.kind == "reference"  # a judgement that does not read each() leaves it alone
    assert [(v.raw, v.file, v.line, v.envs, v.read_at) for v in count.each()] == [
        (1, "c/values-dev.yaml", 1, ("dev", "qa"), "c/templates/d.yaml:5"),
        (3, "c/values-prod.yaml", 2, ("prod",), "c/templates/d.yaml:5"),
    ]
    assert "in prod [replicaCount (Helm values), read at c/templates/d.yaml:5]" in count.each()[1].note


def test_environments_that_agree_or_render_other_objects() -> None:
    same = {env: resources("d.yaml", _docs(2)) for env in ("dev", "prod")}
    (deployment,) = merged(same, {})
    assert isinstance(deployment, Deployment) and deployment.variants[0].instance_count.raw == 2
    other = {"dev": resources("d.yaml", _docs(1)), "prod": []}
    assert [r.address for r in merged(other, {})] == ["Deployment api (dev)"]


KFSERVING_RUNTIME_MESH = """\
apiVersion: serving.kubeflow.org/v1alpha2
kind: InferenceService
metadata: {name: legacy}
spec:
  default:
    predictor:
      custom:
        container: {image: acme/model:1.0.0}
---
apiVersion: serving.kserve.io/v1alpha1
kind: ServingRuntime
metadata: {name: ovms}
spec:
  multiModel: true
  replicas: 1
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: split}
spec:
  http:
    - match: [{headers: {x-version: {exact: blue}}}]
      route: [{destination: {host: blue}}]
    - route:
        - destination: {host: green}
          weight: 90
        - destination: {host: blue}
          weight: 10
"""


def test_kfserving_layout_default_replicas_runtime_replicas_and_weighted_routes() -> None:
    found = _state(KFSERVING_RUNTIME_MESH)
    legacy, runtime = (r for r in found if isinstance(r, Deployment))
    count = legacy.variants[0].instance_count
    assert (count.raw, count.name, count.line) == (1, "minReplicas (default)", 6)  # at the predictor
    assert (runtime.variants[0].instance_count.raw, runtime.variants[0].instance_count.line) == (1, 15)
    rollouts = [r.rollout for r in found if isinstance(r, Endpoint) and r.rollout is not None]
    assert [(r.traffic_type.raw, r.traffic_type.line) for r in rollouts] == [("CANARY", 26)]  # the first weight
