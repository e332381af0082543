"""ML SDK code in Python (a module or a notebook's cells) into the resource model, read statically.

The SageMaker Python SDK (`sagemaker_sdk`), boto3 SageMaker client calls (`boto3_sagemaker`),
the Vertex AI SDK (`vertex_sdk`), the Azure ML SDK (`azureml_sdk`), tuning budgets
(`tuning`), Airflow DAGs and
Step Functions Data Science SDK workflows (`airflow`), and the pipelines of Kubeflow
Pipelines (`kfp`), TFX (`tfx`), Prefect and Metaflow (`flows`; modules only) create training jobs, endpoints,
monitors and pipelines when the code runs; here their calls are read with `ast` (never
imported or run) into the same kinds the infrastructure syntaxes give, so the judgements
written over kinds read them too. Every resource from here is `scripted`: code
that creates a resource when it runs is not infrastructure declared as code.

A word test comes first: a file that names none of the SDKs is never walked.
"""

from __future__ import annotations

from collections.abc import Iterator

from mllens.scan.context import ParsedFile
from mllens.scan.model.airflow import resources as airflow_resources
from mllens.scan.model.azureml_sdk import resources as azureml_resources
from mllens.scan.model.boto3_sagemaker import resources as boto3_resources
from mllens.scan.model.flows import resources as flow_resources
from mllens.scan.model.kfp import resources as kfp_resources
from mllens.scan.model.kinds import Resource
from mllens.scan.model.sagemaker_sdk import resources as sdk_resources
from mllens.scan.model.sdk_code import Code, module_of
from mllens.scan.model.tfx import resources as tfx_resources
from mllens.scan.model.tuning import resources as tuning_resources
from mllens.scan.model.vertex_sdk import resources as vertex_resources

WORDS = (
    "sagemaker", "airflow", "stepfunctions", "aiplatform", "azure.ai.ml", "azureml",
    "kfp", "tfx", "prefect", "metaflow",
)  # fmt: skip


def is_sdk_code(file: ParsedFile) -> bool:
    """A word test, cheap enough for every Python module and notebook."""
    text = file.text
    return any(word in text for word in WORDS)


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources a Python module or notebook creates through the ML SDKs."""
    if not is_sdk_code(file):
        return
    module = module_of(file)
    if module is None:
        return
    code = Code(file, module)
    found = [
        *sdk_resources(code),
        *boto3_resources(code),
        *airflow_resources(code),
        *vertex_resources(code),
        *azureml_resources(code),
        *tuning_resources(code),
    ]
    if file.kind == "python":  # a pipeline written in a notebook is an experiment, not the one that runs
        found += [*kfp_resources(code), *tfx_resources(code), *flow_resources(code)]
    found.sort(key=lambda r: r.line)
    yield from found
