"""Regression: every document of a multi-document YAML stream keeps its own values.

The builder memoises nodes by id(); ids of a freed document's nodes are reused by later
documents, so one builder shared across documents returned earlier documents' values."""

from __future__ import annotations

from mllens.scan.parse import parse


def test_six_manifests_stay_distinct() -> None:
    kinds = ["InferenceService", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
             "AuthorizationPolicy"]
    text = "---\n".join(
        f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: n{i}\n  labels: {{app: a{i}}}\nspec:\n  x: {i}\n"
        for i, kind in enumerate(kinds)
    )
    documents = parse("yaml", text)
    assert [d["kind"] for d in documents] == kinds
    assert [d["spec"]["x"] for d in documents] == list(range(6))
    assert [d.line_of("kind") for d in documents] == [2 + 8 * i for i in range(6)]
