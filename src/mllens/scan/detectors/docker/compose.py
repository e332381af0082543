"""What only a Compose file says about a served model: how many containers serve it."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.parse.compose import Service, compose_services
from mllens.scan.registry import rule

# a service that serves a model, by its name or the Dockerfile that builds it
_SERVING = re.compile(r"infer|predict|model|serv(e|ing)|scor(e|ing)|classif|recommend|triton|torchserve|bentoml"
                      r"|mlserver|kserve|seldon", re.IGNORECASE)
_NOT_SERVING = re.compile(r"monitor|grafana|prometheus|mlflow|tracking|jupyter|notebook|minio|postgres|redis|"
                          r"evidently|dashboard|frontend|\bui\b|db$", re.IGNORECASE)


def _serves_a_model(service: Service) -> bool:
    name = f"{service.name} {service.image.value if service.image is not None else ''}"
    return bool(service.ports) and bool(_SERVING.search(name)) and not _NOT_SERVING.search(name)


@rule()
def compose_replicas(ctx: FileContext) -> None:
    for service in compose_services(ctx.file):
        if not _serves_a_model(service):
            continue
        count = service.replicas
        n = int(count.value) if count is not None and count.value.isdigit() else None
        if count is not None and n is None:
            continue  # a variable: not judged
        if n is not None and n > 1:
            ctx.supports(line=count.line if count else service.line,
                         message=f"service {service.name} runs {n} containers")
        else:
            ctx.contradicts(line=count.line if count else service.line, confidence=0.6,
                            message=f"service {service.name} serves the model from one container"
                                    f"{'' if count else ' (no deploy.replicas)'}: when it stops or restarts, "
                                    f"nothing answers")
