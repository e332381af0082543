"""The platform around an ML workload (keys, registries, audit trails, data stores, IAM
policies, budgets, tags, data catalogs and processing), judged once over the resource model
whichever syntax declared it.

Like ml_resources, each rule reads `state_of(ctx.file)` and knows nothing of syntax. The
rules live in this package's modules by concern (storage, identity, governance, cost); the
family is the package, its metadata `detectors/platform_resources.yaml`.
"""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: nothing to judge in a file that maps to no resource."""
    return not state_of(file).resources
