"""SageMaker pipeline definition: process, train, evaluate, register."""

from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline


def get_pipeline(region: str, role: str, bucket: str) -> Pipeline:
    approval = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")
    return Pipeline(name="churn-train", parameters=[approval], steps=[])
