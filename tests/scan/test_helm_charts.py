"""Helm charts and Kustomize overlays in a scan: templates rendered with their chart's values,
never a parse error; overlays judged as they deploy;
a re-scan reads them again when a file they read changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanfiles import write

from mllens.scan import cache
from mllens.scan.registry import families
from mllens.scan.run import run_scan

KUBERNETES = [f for f in families() if f.name in ("kubernetes", "ml_resources")]
TEMPLATE = (
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    '  name: {{ include "api.fullname" . }}\n'
    "spec:\n"
    "  replicas: {{ .Values.replicaCount }}\n"
)
CHART = {
    "deploy/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    "deploy/api/values.yaml": "replicaCount: 1\n",
    "deploy/api/templates/deployment.yaml": TEMPLATE,
}


def _replicas(result: object) -> list[tuple[str, str, int | None]]:
    return [
        (e.outcome, e.file, e.line)
        for e in result.evidence  # type: ignore[attr-defined]
        if e.rule == "ml_resources.serving_instance_count"
    ]


def test_chart_template_is_rendered_not_a_parse_error(tmp_path: Path) -> None:
    write(tmp_path, CHART)
    result = run_scan(tmp_path, families_to_run=KUBERNETES, use_cache=False)
    assert _replicas(result) == [("contradicts", "deploy/api/templates/deployment.yaml", 6)]
    assert result.diagnostics == []


def test_templates_folder_without_chart_is_plain_yaml(tmp_path: Path) -> None:
    # no Chart.yaml above templates/: read as written, so `{{ ... }}` is YAML flow syntax, not a value
    write(tmp_path, {"ci/templates/deployment.yaml": TEMPLATE, "ci/values.yaml": "replicaCount: 1\n"})
    result = run_scan(tmp_path, families_to_run=KUBERNETES, use_cache=False)
    assert _replicas(result) == []


def test_rescan_reads_the_template_again_when_values_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)  # trust the times of files written a moment ago
    write(tmp_path, CHART)
    first = run_scan(tmp_path, families_to_run=KUBERNETES)
    assert [row[0] for row in _replicas(first)] == ["contradicts"]
    (tmp_path / "deploy/api/values.yaml").write_text("replicaCount: 3\n")
    second = run_scan(tmp_path, families_to_run=KUBERNETES)
    assert _replicas(second) == [("supports", "deploy/api/templates/deployment.yaml", 6)]


def test_rescan_reads_an_overlay_again_when_its_patch_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n"
    write(tmp_path, {
        "base/deploy.yaml": deployment,
        "base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
        "prod/kustomization.yaml": "resources:\n  - ../base\npatches:\n  - path: patch.yaml\n",
        "prod/patch.yaml": "kind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n",
    })  # fmt: skip
    first = run_scan(tmp_path, families_to_run=KUBERNETES)
    assert ("supports", "prod/kustomization.yaml", 4) in _replicas(first)
    (tmp_path / "prod/patch.yaml").write_text("kind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n")
    second = run_scan(tmp_path, families_to_run=KUBERNETES)
    # the patch now repeats the base's 1: judged again, at the line that brought the base in
    assert ("contradicts", "prod/kustomization.yaml", 2) in _replicas(second)


def test_rescan_reads_the_template_again_when_an_environment_or_helper_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    write(tmp_path, {
        **CHART,
        "deploy/api/templates/_helpers.tpl": '{{- define "api.fullname" -}}api{{- end }}\n',
        "deploy/api/values-prod.yaml": "replicaCount: 3\n",
        "deploy/api/values-staging.yaml": "replicaCount: 1\n",
    })  # fmt: skip
    first = run_scan(tmp_path, families_to_run=KUBERNETES)
    assert sorted(_replicas(first)) == [
        ("contradicts", "deploy/api/values-staging.yaml", 1),
        ("supports", "deploy/api/values-prod.yaml", 1),
    ]
    assert any("Deployment api serves" in e.message for e in first.evidence)  # the helper named it
    (tmp_path / "deploy/api/values-staging.yaml").write_text("replicaCount: 3\n")
    second = run_scan(tmp_path, families_to_run=KUBERNETES)
    assert _replicas(second) == [("supports", "deploy/api/templates/deployment.yaml", 6)]  # now alike: once
    (tmp_path / "deploy/api/templates/_helpers.tpl").write_text('{{- define "api.fullname" -}}churn{{- end }}\n')
    third = run_scan(tmp_path, families_to_run=KUBERNETES)
    assert any("Deployment churn serves" in e.message for e in third.evidence)
