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


def test_json6902_patch_with_a_target_sets_values_at_its_entry_line() -> None:
    docs = _overlay(
        {
            "prod/kustomization.yaml": (
                "resources:\n  - ../base\npatches:\n  - target:\n      kind: Deployment\n      name: api\n"
                "    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n"
                "      - op: add\n        path: /spec/template/spec/containers/0/readinessProbe\n"
                "        value: {httpGet: {path: /healthz, port: 8080}}\n"
                "      - op: remove\n        path: /spec/template/spec/containers/1\n"
            ),
        }
    )
    spec = docs[0]["spec"]
    assert spec["replicas"] == 3 and spec.line_of("replicas") == 7  # type: ignore[attr-defined]
    containers = spec["template"]["spec"]["containers"]  # type: ignore[index]
    assert [c["name"] for c in containers] == ["api"]
    assert containers[0]["readinessProbe"]["httpGet"]["port"] == 8080
    assert containers[0].line_of("readinessProbe") == 7


def test_legacy_patches_json6902_from_a_file_and_a_failed_test_op_stops_the_patch() -> None:
    kustomization = (
        "resources:\n  - ../base\npatchesJson6902:\n"
        "  - target: {group: apps, version: v1, kind: Deployment, name: api}\n    path: ops.yaml\n"
    )
    docs = _overlay(
        {
            "prod/kustomization.yaml": kustomization,
            "prod/ops.yaml": "- op: test\n  path: /spec/replicas\n  value: 1\n- op: replace\n  path: /spec/replicas\n"
            "  value: 4\n",
        }
    )
    assert docs[0]["spec"]["replicas"] == 4 and docs[0]["spec"].line_of("replicas") == 5  # type: ignore[index]
    refused = _overlay(
        {
            "prod/kustomization.yaml": kustomization,
            "prod/ops.yaml": "- op: test\n  path: /spec/replicas\n  value: 2\n- op: replace\n  path: /spec/replicas\n"
            "  value: 4\n",
        }
    )
    assert refused == []  # the test failed: nothing changed, the base is judged in its own file


def test_json6902_without_a_target_or_with_a_bad_path_changes_nothing() -> None:
    no_target = (
        "resources:\n  - ../base\npatches:\n  - patch: |-\n      - {op: replace, path: /spec/replicas, value: 9}\n"
    )
    assert _overlay({"prod/kustomization.yaml": no_target}) == []
    bad_path = (
        "resources:\n  - ../base\npatches:\n  - target: {kind: Deployment}\n"
        "    patch: |-\n      - {op: replace, path: /spec/nothing/here/0, value: 9}\n"
        "      - {op: add, path: spec, value: 1}\n"
    )
    assert _overlay({"prod/kustomization.yaml": bad_path}) == []


def test_images_override_tag_name_and_digest_at_the_line_that_said_so() -> None:
    docs = _overlay(
        {
            "prod/kustomization.yaml": (
                "resources:\n  - ../base\nimages:\n  - name: api\n    newName: ghcr.io/acme/api\n    newTag: 2.1.0\n"
                "  - name: envoy\n    digest: sha256:" + "a" * 64 + "\n  - name: unused\n    newTag: '9'\n"
            ),
        }
    )
    containers = docs[0]["spec"]["template"]["spec"]["containers"]  # type: ignore[index]
    assert [c["image"] for c in containers] == ["ghcr.io/acme/api:2.1.0", "envoy@sha256:" + "a" * 64]
    assert [c.line_of("image") for c in containers] == [6, 8]  # newTag first, then the digest


def test_images_match_the_whole_name_not_a_prefix() -> None:
    kustomization = "resources:\n  - ../base\nimages:\n  - name: ap\n    newTag: 2.0.0\n"
    assert _overlay({"prod/kustomization.yaml": kustomization}) == []
