"""Resources made on the moto account of tests/live/conftest.py."""

from __future__ import annotations

from typing import Any

ROLE = "arn:aws:iam::123456789012:role/sagemaker"


def serve(session: Any, *, name: str, instances: int = 1, capture: bool = False) -> dict[str, Any]:
    """A model, an endpoint config serving it and an endpoint; the config as described."""
    sm = session.client("sagemaker")
    sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"})
    extra: dict[str, Any] = {}
    if capture:
        extra["DataCaptureConfig"] = {
            "EnableCapture": True, "InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://bucket/capture",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        }
    sm.create_endpoint_config(EndpointConfigName=f"{name}-config", ProductionVariants=[{
        "VariantName": "main", "ModelName": f"{name}-model", "InitialInstanceCount": instances,
        "InstanceType": "ml.m5.large"}], **extra)
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    config: dict[str, Any] = sm.describe_endpoint_config(EndpointConfigName=f"{name}-config")
    return config
