"""ML service resources, judged once over the resource model whatever syntax declared them.

Each rule reads `state_of(ctx.file)` (see mllens.scan.model): Terraform and CloudFormation
files are mapped into the same kinds (deployment, endpoint, model, notebook, workspace ...),
every attribute carrying its file, line and name as written. A reference to a key counts as
a key (with less confidence); other references are not judged. Messages name the resource
by its address (Terraform) or logical id and type (CloudFormation) and the attribute as the
syntax spells it.

The rules live in this package's modules by concern (security, serving, operations, cost);
the family is the package, its metadata `detectors/ml_resources.yaml`.
"""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: nothing to judge in a file that maps to no resource."""
    return not state_of(file).resources
