"""One model of an ML workload's resources, filled by every syntax, read by judgements.

Syntax adapters (`terraform`, `cloudformation`) map a parsed file into the kinds of
`kinds` (endpoint, deployment, model, notebook, workspace, ...), every attribute a `Value`
that knows its file, line, name as written and kind (literal, reference, blank, absent).
Where each resource type writes each attribute is one table (`attributes`), applied by the
adapters alike; an attribute only one judgement needs is declared in that rule's metadata
(`reads:`) and read with `resource.attr(name)`. Judgements read `state_of(file)` and know
nothing of syntax.
"""

from mllens.scan.model.state import State, state_of
from mllens.scan.model.values import Switch, Value

__all__ = ["State", "Switch", "Value", "state_of"]
