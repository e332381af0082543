"""Network isolation of a model's containers: an attribute this rule declares itself (`reads:`
in ml_resources.yaml), read from every syntax that maps a model."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Model
from mllens.scan.registry import rule


@rule()
def model_network_isolation(ctx: FileContext) -> None:
    for model in state_of(ctx.file).of(Model):
        value = model.attr("network_isolation")  # None: this resource type has no such setting
        if value is None:
            continue
        for one in value.each():  # per environment when set from a variable or parameter
            if one.kind == "literal" and one.as_bool() is True:
                ctx.given(one).supports(line=one.line, message=f"{model.address} runs its containers without "
                                                               f"network access ({one.name} = {one.shown()})")
