"""Kustomize overlays read statically: resources, strategic-merge patches, replicas, lines."""

from __future__ import annotations

from mllens.scan.parse.kustomize import is_kustomization, merge, overlay_documents
from mllens.scan.parse.yaml import parse_yaml_documents

BASE = {
    "base/kustomization.yaml": "resources:\n  - deploy.yaml\n  - https://example.com/remote.yaml\n",
    "base/deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n"
        "  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n"
        "        - name: proxy\n          image: envoy:1.2.3\n"
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n"
    ),
}


def _overlay(files: dict[str, str], path: str = "prod/kustomization.yaml") -> list[dict[str, object]]:
    files = {**BASE, **files}
    return overlay_documents(files[path], path=path, read=files.get)  # type: ignore[return-value]


def test_patch_file_sets_values_at_its_entry_line_and_keeps_only_changed_objects() -> None:
    docs = _overlay(
        {
            "prod/kustomization.yaml": "resources:\n  - ../base\npatches:\n  - path: more.yaml\n",
            "prod/more.yaml": "kind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n",
        }
    )
    assert [d["kind"] for d in docs] == ["Deployment"]  # the untouched Service is judged in its own file
    spec = docs[0]["spec"]
    assert spec["replicas"] == 3 and spec.line_of("replicas") == 4  # type: ignore[attr-defined]
    assert docs[0].line_of("kind") == 2  # type: ignore[attr-defined]  # inherited: where the base came in


def test_containers_merge_by_name_inline_patch_and_replicas_field() -> None:
    docs = _overlay(
        {
            "prod/kustomization.yaml": (
                "resources:\n  - ../base\n"
                "patchesStrategicMerge:\n  - |-\n    kind: Deployment\n    metadata:\n      name: api\n"
                "    spec:\n      template:\n        spec:\n          containers:\n"
                "            - name: api\n              image: api:2.0.0\n"
                "replicas:\n  - name: api\n    count: 5\n"
            ),
        }
    )
    pod = docs[0]["spec"]["template"]["spec"]  # type: ignore[index]
    assert [(c["name"], c["image"]) for c in pod["containers"]] == [("api", "api:2.0.0"), ("proxy", "envoy:1.2.3")]
    assert docs[0]["spec"]["replicas"] == 5 and docs[0]["spec"].line_of("replicas") == 16  # type: ignore[index]


def test_nothing_changed_nothing_returned_and_loops_end() -> None:
    assert _overlay({"prod/kustomization.yaml": "resources:\n  - ../base\n"}) == []
    loop = {"a/kustomization.yaml": "resources:\n  - ../b\n", "b/kustomization.yaml": "resources:\n  - ../a\n"}
    assert _overlay(loop, "a/kustomization.yaml") == []
    assert (
        _overlay(
            {"x/kustomization.yaml": "resources: [../../outside]\nreplicas: [{name: api, count: 2}]\n"},
            "x/kustomization.yaml",
        )
        == []
    )


def test_merge_null_deletes_and_lists_replace() -> None:
    base = parse_yaml_documents("a: 1\nb: [1, 2]\nc: {d: 1}\n")[0]
    merge(base, parse_yaml_documents("a: null\nb: [3]\nc: {e: 2}\n")[0])
    assert base == {"b": [3], "c": {"d": 1, "e": 2}}


def test_is_kustomization() -> None:
    assert is_kustomization("deploy/prod/kustomization.yaml") and is_kustomization("Kustomization")
    assert not is_kustomization("deploy/prod/kustomization.json")
