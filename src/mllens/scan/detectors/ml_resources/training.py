"""Training and processing jobs: traffic between their nodes and the network they run in."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import TrainingJob
from mllens.scan.registry import rule


def _distributed(job: TrainingJob) -> int | None:
    """How many instances a distributed job runs on (0 when only a distribution setting says so);
    None when it is one instance or cannot be known."""
    count = job.instance_count.as_int() if job.instance_count is not None else None
    if count is not None and count > 1:
        return count
    if job.distribution is not None and job.distribution.written and job.distribution.kind != "blank":
        return 0
    return None


@rule()
def training_inter_node_encryption(ctx: FileContext) -> None:
    for job in state_of(ctx.file).of(TrainingJob):
        value = job.inter_node_encryption
        if job.processing or value is None or value.kind == "reference":
            continue  # processing jobs: inter_container_encryption; a variable: unknown here
        if value.as_bool() is True:
            ctx.supports(
                line=value.line, message=f"{job.address} encrypts traffic between its training nodes ({value.name})"
            )
            continue
        nodes = _distributed(job)
        if nodes is None:
            continue  # a single instance exchanges nothing between nodes
        spread = f"on {nodes} instances" if nodes else "with a distribution setting"
        setting = f"{value.name} = {value.shown()}" if value.written else f"{value.name} not set"
        ctx.contradicts(
            line=value.line,
            message=f"{job.address} trains {spread} without encrypting the traffic between them ({setting})",
        )


@rule()
def training_private_network(ctx: FileContext) -> None:
    for job in state_of(ctx.file).of(TrainingJob):
        vpc, isolation = job.vpc, job.network_isolation
        if vpc is None or isolation is None:
            continue  # a cluster or a job whose network is not set on it
        if vpc.written and not vpc.unset:
            ctx.supports(line=vpc.line, message=f"{job.address} runs in your VPC ({vpc.name})")
        elif isolation.as_bool() is True:
            ctx.supports(line=isolation.line, message=f"{job.address} runs with no network access ({isolation.name})")
        elif isolation.kind != "reference" and vpc.kind != "reference":
            unset = f"no {vpc.name}" if vpc.name == isolation.name else f"neither {vpc.name} nor {isolation.name}"
            ctx.contradicts(
                line=job.line,
                confidence=0.5,
                message=f"{job.address} sets {unset}: its containers reach the internet directly",
            )
