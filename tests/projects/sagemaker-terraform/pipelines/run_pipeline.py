"""Start the churn training pipeline and wait for it (called from CI)."""

import argparse

import boto3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipeline-name", required=True)
    args = parser.parse_args()
    client = boto3.client("sagemaker")
    execution = client.start_pipeline_execution(PipelineName=args.pipeline_name)
    waiter = client.get_waiter("pipeline_execution_complete")
    waiter.wait(PipelineExecutionArn=execution["PipelineExecutionArn"])


if __name__ == "__main__":
    main()
