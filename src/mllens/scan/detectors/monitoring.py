"""The monitoring stack an ML project runs beside its model: Prometheus server configuration
(does anything evaluate alert rules and send alerts?), Grafana dashboards that show drift,
TrustyAI services that compute drift and fairness metrics over served models, and a
Prometheus admin API left open (in Compose services and Kubernetes containers).

Files are recognised by their shape, never by their name alone: a Prometheus configuration
has top-level scrape_configs; a Grafana dashboard is JSON with a panels list and a title
or schemaVersion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from mllens.scan.context import FileContext, ParsedFile
from mllens.scan.detectors._k8s import containers, manifests
from mllens.scan.parse.compose import compose_services, published_on
from mllens.scan.registry import rule

# scrape jobs or targets that carry model monitoring (drift, data quality) rather than serving metrics
_MODEL_MONITORING = re.compile(r"drift|evidently|nannyml|whylogs|alibi|model[-_]?monitor|data[-_]?quality|"
                               r"trustyai|monitoring[-_]?server|metric[-_]?server", re.IGNORECASE)
_DRIFT_PANEL = re.compile(r"drift|p-?value|population stability|\bpsi\b|distribution shift|data quality",
                          re.IGNORECASE)


def _documents(file: ParsedFile) -> list[Any]:
    return file.data if isinstance(file.data, list) else [file.data]


def _prometheus_config(file: ParsedFile) -> Mapping[str, Any] | None:
    for doc in _documents(file) if file.kind == "yaml" else []:
        if isinstance(doc, Mapping) and isinstance(doc.get("scrape_configs"), list) and "apiVersion" not in doc:
            return doc
    return None


def _line(doc: Mapping[str, Any], key: str) -> int:
    lines = getattr(doc, "key_lines", {})
    return int(lines.get(key, 1))


@rule()
def prometheus_alerting(ctx: FileContext) -> None:
    config = _prometheus_config(ctx.file)
    if config is None:
        return
    jobs = " ".join(str(job) for job in config.get("scrape_configs") or [])
    check, practice_words = (("monitoring_alarms", "model monitoring metrics") if _MODEL_MONITORING.search(jobs)
                             else ("serving_alarms", "metrics"))
    rules = [r for r in (config.get("rule_files") or []) if isinstance(r, str) and r.strip()]
    alerting = config.get("alerting")
    managers = alerting.get("alertmanagers") if isinstance(alerting, Mapping) else None
    if rules and managers:
        ctx.supports(line=_line(config, "rule_files"), check=check,
                     message=f"Prometheus evaluates alert rules ({', '.join(rules[:3])}) over the {practice_words} "
                             f"it scrapes and sends alerts to Alertmanager")
    elif not rules:
        ctx.contradicts(line=_line(config, "scrape_configs"), check=check,
                        message=f"Prometheus scrapes {practice_words} but loads no rule_files"
                                f"{'' if managers else ' and names no Alertmanager'}: nothing alerts anyone")
    else:
        ctx.contradicts(line=_line(config, "rule_files"), check=check, confidence=0.6,
                        message="Prometheus evaluates alert rules but names no Alertmanager: alerts reach no one "
                                "(unless the alerts are sent by an operator the repository does not show)")


def _panels(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every panel of a dashboard, rows' nested panels included."""
    for panel in value if isinstance(value, list) else []:
        if isinstance(panel, Mapping):
            yield panel
            yield from _panels(panel.get("panels"))


@rule()
def drift_dashboard(ctx: FileContext) -> None:
    board = ctx.file.data if ctx.file.kind == "json" else None
    if isinstance(board, Mapping) and isinstance(board.get("dashboard"), Mapping):
        board = board["dashboard"]  # the shape of Grafana's HTTP API and of exported files
    if not isinstance(board, Mapping) or not isinstance(board.get("panels"), list):
        return
    if "schemaVersion" not in board and "title" not in board:
        return
    titles = [str(p.get("title") or "") for p in _panels(board.get("panels"))]
    drift = [t for t in titles if _DRIFT_PANEL.search(t)]
    if drift:
        line = ctx.file.line_of(f'"{drift[0]}"') or 1
        ctx.supports(line=line, message=f"a Grafana dashboard shows drift: {', '.join(drift[:3])}"
                                        f"{f' and {len(drift) - 3} more panels' if len(drift) > 3 else ''}")


_DRIFT_MONITORS = re.compile(r"drift", re.IGNORECASE)  # data_drift, cat_target_drift, num_target_drift ...


def _evidently_monitors(ctx: FileContext) -> None:
    """Evidently's monitoring service configuration: datasets, each with the monitors it runs."""
    for doc in _documents(ctx.file) if ctx.file.kind == "yaml" else []:
        datasets = doc.get("datasets") if isinstance(doc, Mapping) and isinstance(doc.get("service"), Mapping) else None
        for name, dataset in datasets.items() if isinstance(datasets, Mapping) else []:
            monitors = dataset.get("monitors") if isinstance(dataset, Mapping) else None
            drift = [m for m in monitors if isinstance(m, str) and _DRIFT_MONITORS.search(m)] \
                if isinstance(monitors, list) else []
            if drift:
                start = int(getattr(dataset, "key_lines", {}).get("monitors", 1))
                ctx.supports(line=ctx.file.line_of(drift[0], start=start) or start,
                             message=f"the Evidently monitoring service runs {', '.join(drift)} on dataset {name}")


@rule()
def drift_service(ctx: FileContext) -> None:
    _evidently_monitors(ctx)
    for obj in manifests(ctx.file, "TrustyAIService"):
        if obj.api_version.startswith("trustyai.opendatahub.io"):
            schedule, _ = obj.at("spec.metrics.schedule")
            every = f" every {schedule}" if isinstance(schedule, str | int) else ""
            ctx.supports(line=obj.line, message=f"{obj.address} computes drift and fairness metrics over the served "
                                                f"models' inferences{every}")


_ADMIN_API = "--web.enable-admin-api"


@rule()
def prometheus_admin_api(ctx: FileContext) -> None:
    for service in compose_services(ctx.file):
        if service.command is None or _ADMIN_API not in service.command.value:
            continue
        published = [published_on(p.value) for p in service.ports]
        open_ports = [where[1] for where in published if where is not None and not where[0]]
        if open_ports:
            ctx.contradicts(line=ctx.file.line_of(_ADMIN_API, start=service.line) or service.command.line,
                            message=f"service {service.name} turns on Prometheus's admin API and publishes port "
                                    f"{open_ports[0]} on every host interface: anyone who reaches it can delete "
                                    f"the monitoring data or snapshot it")
    for obj in manifests(ctx.file):
        for container in containers(obj):
            words = f"{container.data.get('command', '')} {container.data.get('args', '')}"
            if _ADMIN_API in words:
                ctx.contradicts(line=ctx.file.line_of(_ADMIN_API, start=container.line) or container.line,
                                confidence=0.7,
                                message=f"{obj.address} turns on Prometheus's admin API: anyone who reaches the "
                                        f"pod can delete the monitoring data (keep it off, or behind an "
                                        f"authenticating proxy)")
