"""Template parameters and module variables that carry secrets, and whether they are hidden."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.inputs import SecretInput
from mllens.scan.registry import rule


@rule()
def secret_inputs(ctx: FileContext) -> None:
    for item in state_of(ctx.file).of(SecretInput):
        if item.from_store:
            continue  # resolved from a parameter store when deployed, never typed in
        hidden = item.hidden
        shown = hidden.as_bool()
        if shown is True:
            ctx.supports(line=hidden.line, message=f"{item.address} carries a secret and hides it "
                                                   f"({hidden.name} = {hidden.shown()})")
        elif shown is False:
            ctx.contradicts(line=hidden.line, message=f"{item.address} carries a secret and shows it in "
                                                      f"consoles, plans and logs ({hidden.name} = {hidden.shown()})")
        elif not hidden.written:
            ctx.contradicts(line=item.line, confidence=0.65,
                            message=f"{item.address} carries a secret and sets no {hidden.name}: it is shown "
                                    f"in consoles, plans and logs")
