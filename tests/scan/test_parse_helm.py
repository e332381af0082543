"""The static Helm renderer: values, defaults, conditionals, blocks, placeholders, lines."""

from __future__ import annotations

from typing import Any

import pytest

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.helm import Scope, render
from mllens.scan.parse.helm_chart import chart_documents, chart_inputs, chart_root, render_documents
from mllens.scan.parse.helm_values import environment_of

VALUES: dict[str, Any] = {
    "replicaCount": 3,
    "autoscaling": {"enabled": False},
    "image": {"repository": "ghcr.io/acme/api", "tag": "1.2.0"},
    "resources": {"limits": {"cpu": "2", "memory": "4Gi"}},
    "empty": "",
}


def _one(template: str, values: dict[str, Any] | None = None) -> Any:
    docs = render_documents(template, Scope(VALUES if values is None else values))
    assert len(docs) == 1
    return docs[0]


def test_values_release_and_chart_fields() -> None:
    text, _ = render(
        "a: {{ .Values.replicaCount }}\nb: {{ .Release.Name }}-{{ .Chart.Name }}\nc: {{ $.Values.image.tag }}\n",
        Scope(VALUES, release="prod", chart={"Name": "api"}),
    )
    assert text == "a: 3\nb: prod-api\nc: 1.2.0\n"


def test_default_quote_and_missing_paths() -> None:
    doc = _one(
        'a: {{ .Values.nope | default 5 }}\nb: {{ .Values.empty | default "x" }}\n'
        "c: {{ .Values.image.tag | quote }}\nd: {{ .Values.nope }}\n"
    )
    assert doc["a"] == 5 and doc["b"] == "x" and doc["c"] == "1.2.0"
    # a path absent from values.yaml prints as a reference, not as an empty or literal value
    assert doc["d"].startswith("${helm:") and ".Values.nope" in doc["d"]


def test_if_else_on_values_and_whitespace_control() -> None:
    template = (
        "spec:\n"
        "  {{- if not .Values.autoscaling.enabled }}\n"
        "  replicas: {{ .Values.replicaCount }}\n"
        "  {{- else }}\n"
        "  replicas: 1\n"
        "  {{- end }}\n"
        "  paused: false\n"
    )
    doc = _one(template)
    assert doc["spec"] == {"replicas": 3, "paused": False}
    assert doc["spec"].line_of("replicas") == 3 and doc["spec"].line_of("paused") == 7


def test_else_if_chain_closes_with_one_end() -> None:
    template = (
        "{{- if .Values.autoscaling.enabled }}\nmode: auto\n"
        "{{- else if .Values.replicaCount }}\nmode: fixed\n"
        "{{- else }}\nmode: none\n{{- end }}\nafter: 1\n"
    )
    assert _one(template) == {"mode": "fixed", "after": 1}


def test_to_yaml_nindent_and_with_keep_template_lines() -> None:
    template = (
        "containers:\n"
        "  - name: api\n"
        "    {{- with .Values.resources }}\n"
        "    resources:\n"
        "      {{- toYaml . | nindent 6 }}\n"
        "    {{- end }}\n"
    )
    doc = _one(template)
    container = doc["containers"][0]
    assert container["resources"] == {"limits": {"cpu": "2", "memory": "4Gi"}}
    assert container.line_of("resources") == 4
    assert container["resources"].line_of("limits") == 5  # the line of the toYaml action


def test_unrenderable_expressions_become_references() -> None:
    template = (
        "{{- /* a comment\nover two lines */ -}}\n"
        "{{- $env := .Values.env }}\n"
        'name: {{ include "api.fullname" . }}\n'
        "replicas: {{ index .Values.replicas $env }}\n"
        "labels:\n"
        '  {{- include "api.labels" . | nindent 2 }}\n'
        "  team: ml\n"
        "items:\n"
        "{{- range .Values.items }}\n"
        "  - {{ . }}\n"
        "{{- end }}\n"
    )
    doc = _one(template)
    assert doc["name"].startswith("${helm:include")
    assert doc["replicas"].startswith("${helm:")
    assert doc["labels"]["team"] == "ml"  # an unknown block is one placeholder entry, the map goes on
    assert doc["items"] is None  # range bodies are skipped
    assert doc.line_of("name") == 4


def test_unknown_condition_renders_neither_branch() -> None:
    doc = _one('{{- if include "x" . }}\na: 1\n{{- else }}\na: 2\n{{- end }}\nb: 2\n')
    assert doc == {"b": 2}


def test_a_document_that_still_fails_is_dropped_not_the_file() -> None:
    template = "kind: A\nx: [unclosed\n---\nkind: B\nreplicas: {{ .Values.replicaCount }}\n"
    docs = render_documents(template, Scope(VALUES))
    assert [d["kind"] for d in docs] == ["B"]
    assert docs[0].line_of("replicas") == 5


def test_chart_root_needs_chart_yaml_beside_templates() -> None:
    present = {"deploy/chart/Chart.yaml", "Chart.yaml"}
    assert chart_root("deploy/chart/templates/deployment.yaml", present.__contains__) == "deploy/chart"
    assert chart_root("deploy/chart/templates/sub/svc.yml", present.__contains__) == "deploy/chart"
    assert chart_root("templates/a.yaml", present.__contains__) == ""
    assert chart_root("ci/templates/steps.yml", {"Chart.yaml"}.__contains__) is None
    assert chart_root("deploy/chart/templates/NOTES.txt", present.__contains__) is None


def test_chart_documents_reads_values_and_metadata_text() -> None:
    docs = chart_documents(
        "image: repo:{{ .Values.tag | default .Chart.AppVersion }}\nn: {{ .Values.n }}\n",
        values="n: 2\n",
        chart='name: api\nappVersion: "1.5.0"\n',
    )
    assert docs == [{"image": "repo:1.5.0", "n": 2}]
    # malformed values count as empty: the template still renders
    assert chart_documents("n: {{ .Values.n | default 1 }}\n", values="a: [", chart=None) == [{"n": 1}]


def test_hostile_templates_end_quickly_or_as_a_parse_error() -> None:
    # unclosed actions: the rest is text (one linear pass, not a search per "{{")
    assert render("{{ " * 50_000, Scope({}))[0] == "{{ " * 50_000
    # nesting deeper than the renderer's recursion: a parse error, not a crash
    deep = "{{ if .Values.a }}" * 5_000 + "x: 1\n" + "{{ end }}" * 5_000
    with pytest.raises(ParseError, match="nested too deeply"):
        chart_documents(deep, values="a: true\n", chart=None)
    # a values file of aliases expanding past the cap counts as empty
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(7)
    )
    assert chart_documents("n: {{ .Values.n | default 2 }}\n", values=bomb, chart=None) == [{"n": 2}]


HELPERS = (
    '{{- define "api.fullname" -}}\n{{ .Release.Name }}-{{ .Chart.Name }}\n{{- end }}\n'
    '{{- define "api.labels" -}}\napp: {{ include "api.fullname" . }}\ntier: {{ .Values.tier | default "web" }}\n'
    "{{- end }}\n"
    '{{- define "api.loop" -}}{{ include "api.loop" . }}{{- end }}\n'
)


def test_named_templates_from_helpers_are_included_at_the_include_line() -> None:
    template = (
        'name: {{ include "api.fullname" . }}\n'
        "labels:\n"
        '  {{- include "api.labels" . | nindent 2 }}\n'
        '{{- define "local" }}{{ .Values.replicaCount }}{{ end }}\n'
        'local: {{ template "local" . }}\n'
        'loop: {{ include "api.loop" . }}\n'
    )
    docs = render_documents(template, Scope(VALUES, chart={"Name": "api"}, helpers=(HELPERS,)))
    doc = docs[0]
    assert doc["name"] == "release-name-api"
    assert doc["labels"] == {"app": "release-name-api", "tier": "web"}
    assert doc["labels"].line_of("tier") == 3  # an included template's lines are the include's
    assert doc["local"] == 3  # a define in the template itself
    assert str(doc["loop"]).startswith("${helm:")  # endless recursion ends as a reference


def test_range_over_lists_maps_and_counts_with_variables_and_else() -> None:
    template = (
        "env:\n{{- range $k, $v := .Values.env }}\n  - {name: {{ $k }}, value: {{ $v | quote }}}\n{{- end }}\n"
        "ports:\n{{- range $i, $p := .Values.ports }}\n  - {{ $p }}\n{{- end }}\n"
        "none:\n{{- range .Values.missing }}\n  - {{ . }}\n{{- else }}\n  - fallback\n{{- end }}\n"
        "{{- $n := .Values.replicaCount }}\n{{- $n = 5 }}\ncount: {{ $n }}\n"
        "tags:\n{{- range .Values.image }}\n  - {{ . }}\n{{- end }}\n"
        "unknown:\n{{- range include \"nope\" . }}\n  - x\n{{- end }}\n"
    )
    doc = _one(template, {"env": {"B": 2, "A": "x"}, "ports": [80, 443], "replicaCount": 3,
                          "image": {"repository": "r", "tag": "1"}})
    assert doc["env"] == [{"name": "A", "value": "x"}, {"name": "B", "value": "2"}]  # map keys in order
    assert doc["ports"] == [80, 443] and doc["none"] == ["fallback"]
    assert doc["count"] == 5
    assert doc["tags"] == ["r", 1]
    assert doc["unknown"] is None  # what an unknown value ranges over is not guessed
    assert doc["env"].line_of(0) == 3 and doc["env"].line_of(1) == 3  # every item at its template line


def test_with_scopes_dot_and_variables_reach_fields() -> None:
    template = (
        "{{- $img := .Values.image }}\n{{- with .Values.image }}\nrepo: {{ .repository }}\n{{- end }}\n"
        "tag: {{ $img.tag }}\n"
    )
    assert _one(template) == {"repo": "ghcr.io/acme/api", "tag": "1.2.0"}


def test_chart_inputs_and_environments() -> None:
    paths = ["c/values.yaml", "c/values-prod.yaml", "c/values.staging.yaml", "c/values/dev.yml", "c/values.schema.json",
             "c/templates/_helpers.tpl", "c/templates/deploy.yaml", "c/ci/values-test.yaml", "other/values-x.yaml"]
    assert chart_inputs("c", paths) == ["c/values.yaml", "c/Chart.yaml", "c/templates/_helpers.tpl",
                                        "c/values-prod.yaml", "c/values.staging.yaml", "c/values/dev.yml"]
    assert [environment_of("c", p) for p in ("c/values-prod.yaml", "c/values.staging.yaml", "c/values/dev.yml",
                                             "c/values.yaml", "c/ci/values-test.yaml")] == ["prod", "staging", "dev",
                                                                                            None, None]


def test_chart_rendered_per_environment_with_where_each_value_is_set() -> None:
    docs = chart_documents(
        "replicas: {{ .Values.replicaCount }}\nimage: {{ .Values.image.tag }}\n",
        values="replicaCount: 2\nimage:\n  tag: v1\n",
        chart=None,
        environments={"prod": ("c/values-prod.yaml", "# prod\nreplicaCount: 3\n"), "dev": ("c/values-dev.yaml", "a")},
        values_file="c/values.yaml",
    )
    assert docs == [{"replicas": 2, "image": "v1"}]
    envs = docs.environments  # type: ignore[attr-defined]
    assert envs == {"dev": [{"replicas": 2, "image": "v1"}], "prod": [{"replicas": 3, "image": "v1"}]}
    reads = docs.reads  # type: ignore[attr-defined]
    assert reads["prod"][1] == ("c/values-prod.yaml", 2, "replicaCount")
    assert reads["dev"][1] == ("c/values.yaml", 1, "replicaCount")  # a malformed env file counts as empty
    assert reads["prod"][2] == ("c/values.yaml", 3, "tag")
