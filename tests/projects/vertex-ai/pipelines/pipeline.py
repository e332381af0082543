"""Demand forecasting pipeline (Kubeflow Pipelines v2, run on Vertex AI Pipelines)."""

from kfp import compiler, dsl


@dsl.component(base_image="europe-west4-docker.pkg.dev/acme-ml/demand/trainer:2.4.1")
def train(dataset_uri: str, model: dsl.Output[dsl.Model]) -> None:
    from trainer.task import fit

    fit(dataset_uri, model.path)


@dsl.pipeline(name="demand-training")
def demand_pipeline(dataset_uri: str = "gs://acme-demand-datasets/weekly/") -> None:
    train(dataset_uri=dataset_uri)


if __name__ == "__main__":
    compiler.Compiler().compile(demand_pipeline, "pipelines/demand_pipeline.yaml")
