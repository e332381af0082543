"""Upsert the pipeline definition and start an execution."""

import argparse
import importlib


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--module-name", required=True)
    parser.add_argument("--role-arn", required=True)
    args = parser.parse_args()
    module = importlib.import_module(args.module_name)
    pipeline = module.get_pipeline(region="eu-west-1", role=args.role_arn, bucket="acme-churn-artifacts")
    pipeline.upsert(role_arn=args.role_arn)
    pipeline.start()


if __name__ == "__main__":
    main()
