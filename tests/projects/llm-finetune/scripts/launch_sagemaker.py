"""Run toxft.train as a SageMaker training job on managed spot capacity.

Two ml.g5.12xlarge instances (8 A10G GPUs) with torchrun; checkpoints go to
/opt/ml/checkpoints, which SageMaker syncs to S3 so a reclaimed job resumes.

    python scripts/launch_sagemaker.py --data s3://acme-ml-moderation/toxft/2024-11/
"""

from __future__ import annotations

import argparse

import sagemaker
from sagemaker.huggingface import HuggingFace

BUCKET = "acme-ml-moderation"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="S3 prefix holding train/ and valid/ parquet files")
    parser.add_argument("--role", default="arn:aws:iam::123456789012:role/toxft-sagemaker-training")
    args = parser.parse_args()

    session = sagemaker.Session(default_bucket=BUCKET)
    estimator = HuggingFace(
        entry_point="toxft/train.py",
        source_dir="src",
        role=args.role,
        sagemaker_session=session,
        transformers_version="4.46",
        pytorch_version="2.3",
        py_version="py311",
        instance_type="ml.g5.12xlarge",
        instance_count=2,
        distribution={"torch_distributed": {"enabled": True}},
        hyperparameters={"config": "configs/train_qwen05b.yaml", "checkpoint-dir": "/opt/ml/checkpoints"},
        use_spot_instances=True,
        max_run=8 * 3600,
        max_wait=16 * 3600,
        checkpoint_s3_uri=f"s3://{BUCKET}/toxft/checkpoints/",
        output_path=f"s3://{BUCKET}/toxft/models/",
        base_job_name="toxft-qwen05b",
        tags=[{"Key": "team", "Value": "ml-moderation"}],
    )
    estimator.fit({"train": f"{args.data}train/", "valid": f"{args.data}valid/"}, wait=False)
    print("started", estimator.latest_training_job.name)


if __name__ == "__main__":
    main()
