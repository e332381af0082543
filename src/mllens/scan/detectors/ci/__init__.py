"""CI pipelines: GitHub Actions, GitLab CI, Azure Pipelines, Cloud Build, CodeBuild
buildspecs and Jenkins. What they run (tests, training, deployment), when (schedules),
through which environments and approvals, with which traffic shifting, and how they pin
and authenticate (token permissions, pinned actions and images, short-lived credentials).

Every judgement reads one neutral view of a pipeline (_ci_pipeline.py) whatever system
wrote it; what a command does is decided once (_ci_runs.py). Steps that call into the
project (`make test`, `./scripts/test.sh`, an Azure template, a Jenkins shared-library step)
are followed one level by the project rules of followed.py. The rules live in this package's
modules by concern (runs, release, supply, followed); the metadata is detectors/ci.yaml.
"""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._ci_system import helper, system_of
from mllens.scan.detectors.ci.repository import repo_config


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: the family is handed every YAML file (a Cloud
    Build config, a buildspec or an Azure pipeline may have any name), Groovy files, Makefiles
    and shell scripts, and runs on CI files and on the Makefiles and actions their steps may
    call. A shell script is no CI file: it is read only when a pipeline calls it, by the
    project rules (followed.called_scripts), not in every project for every script. The
    repository's pre-commit config and devcontainer.json are read too (ci/repository.py)."""
    return system_of(file) is None and helper(file.path) in (None, "script") and repo_config(file.path) is None
