"""Budgets with alerts, and cost-allocation tags on ML resources."""

from __future__ import annotations

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Budget
from mllens.scan.model.kinds_platform import Cluster, TagDefaults
from mllens.scan.registry import rule


@rule()
def budgets(ctx: FileContext) -> None:
    for budget in state_of(ctx.file).of(Budget):
        if budget.alerts.written:
            ctx.supports(line=budget.line, message=f"{budget.address} sets a budget with alerts ({budget.alerts.name})")
        else:
            ctx.info(line=budget.line, message=f"{budget.address} sets a budget but no alert ({budget.alerts.name})")


@rule()
def cost_allocation_tags(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    modules = False
    for defaults in state.of(TagDefaults):
        if defaults.applies_to.startswith("module "):  # tags passed to a module: once per file
            if not modules and defaults.tags is not None:
                ctx.supports(line=defaults.tags.line, message=f"{defaults.address} passes {defaults.tags.name} "
                                                              "to the resources of its module")
            modules = True
            continue
        if defaults.applies_to == "serverless" and defaults.tags is not None and not defaults.tags.written:
            ctx.contradicts(line=defaults.tags.line, confidence=0.6,
                            message=f"{defaults.address} serves a model and tags nothing it deploys "
                                    "(no provider.tags, provider.stackTags or function tags)")
        elif defaults.applies_to == "serverless" and defaults.tags is not None:
            ctx.supports(line=defaults.tags.line, message=f"{defaults.address} tags what it deploys "
                                                          f"({defaults.tags.name})")
        elif defaults.tags is not None:
            ctx.supports(line=defaults.tags.line,
                         message=f"provider {defaults.applies_to} tags every resource ({defaults.tags.name})")
        ctx.fact("platform_resources.tag_defaults", defaults.applies_to)
    for cluster in state.of(Cluster):  # the compute models and jobs run on: credited when tagged
        if cluster.tags is not None and cluster.tags.kind in ("literal", "reference"):
            ctx.supports(line=cluster.tags.line, message=f"{cluster.address} carries {cluster.tags.name}")
    for res in state.ml:
        tags = res.tags
        if tags is None:
            continue  # a type that takes no tags, or tags this file cannot show
        if tags.kind in ("literal", "reference"):
            ctx.supports(line=tags.line, message=f"{res.address} carries {tags.name}")
        elif res.tag_defaults:  # default tags from another file may apply: decided once all are read
            ctx.fact("platform_resources.untagged", {"file": ctx.file.path, "line": res.line, "address": res.address,
                                                     "provider": res.tag_defaults})
        else:
            ctx.contradicts(line=res.line, confidence=0.6,
                            message=f"{res.address} has no {tags.name} (tags applied at deploy time are not seen)")


@rule(scope="project")
def untagged_ml_resources(ctx: ProjectContext) -> None:
    defaults = set(ctx.facts_of("platform_resources.tag_defaults"))
    for item in ctx.facts_of("platform_resources.untagged"):
        if item["provider"] not in defaults:
            ctx.contradicts(file=item["file"], line=item["line"],
                            message=f"{item['address']} has no tags and no provider default tags apply")
