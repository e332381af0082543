from __future__ import annotations

from mllens.scan.model.steps import Step, facts, roles_of, words
from mllens.scan.model.values import Value


def test_words_split_every_naming_style() -> None:
    assert words("trainModel", "model-training_op", "RunGreatExpectationsValidation") >= {
        "train", "model", "training", "op", "run", "great", "expectations", "validation"}


def test_roles_come_from_what_a_step_is_called() -> None:
    assert roles_of("train_model") == {"train"}
    assert roles_of("create_training_split") == {"prepare"}  # data for training, not training
    assert roles_of("preprocess_data") == {"prepare"}
    assert roles_of("load_model") == frozenset()  # loading a model prepares no data
    assert roles_of("batch_predict") == {"predict"}
    assert roles_of("infra_validator") == {"release_test"}
    assert roles_of("smoke_test_model") == {"release_test"}
    assert roles_of("validate_data") == {"validate_data"}
    assert roles_of("validate_model") == {"evaluate"}
    assert roles_of("upload_model") == {"register"}
    assert roles_of("mlengine_deploy_op") == {"deploy"}
    assert roles_of("step_1") == frozenset()
    # releases of something other than a model, and steps around an endpoint, release nothing
    assert roles_of("register_dataset") == frozenset()
    assert roles_of("push_results") == frozenset()
    assert roles_of("test_endpoint") == frozenset()
    assert roles_of("delete_endpoint") == frozenset()
    assert roles_of("register_model") == {"register"}


def test_a_release_under_a_condition_is_the_gate_and_validation_counts_before_training() -> None:
    gate = Value("acc > 0.8", "p.py", 9, "dsl.Condition")
    steps = [Step("train", 5, frozenset({"train"})), Step("validate_data", 7, frozenset({"validate_data"})),
             Step("deploy", 10, frozenset({"deploy"}), gate)]
    found = facts("p.py", 1, steps)
    assert found["gate"] is gate
    assert found["deploys"] is not None and (found["deploys"].raw, found["deploys"].line) == ("deploy", 10)
    assert found["registers"] is not None and not found["registers"].written
    validates = found["validates_data"]
    assert validates is not None and not validates.written  # only after training: no validation before it


def test_no_step_read_judges_nothing() -> None:
    found = facts("p.py", 1, [])
    assert found.pop("managed_training") == ()
    assert set(found.values()) == {None}


def test_the_managed_service_comes_from_a_step_or_component_name() -> None:
    from mllens.scan.model.steps import service_of

    assert service_of("mlengine_train_op") == "AI Platform Training"
    assert service_of("SageMakerTrainingOperator") == "SageMaker"
    assert service_of("tfx.extensions.google_cloud_ai_platform.Trainer") == "AI Platform / Vertex AI"
    assert service_of("train_model", "train") == ""


def test_a_pipeline_that_only_predicts_is_batch_scoring_and_one_that_trains_is_not() -> None:
    scoring = [Step("load_model", 5, frozenset()), Step("predict", 7, frozenset({"predict"}))]
    found = facts("p.py", 1, scoring)["batch_scoring"]
    assert found is not None and (found.raw, found.line) == ("predict", 1)  # at the pipeline
    training = [Step("train", 5, frozenset({"train"})), Step("predict", 7, frozenset({"predict"}))]
    assert facts("p.py", 1, training)["batch_scoring"] is None  # a prediction on the test split
    operator = [Step("train", 5, frozenset({"train"})), Step("score", 9, frozenset({"deploy", "batch_score"}))]
    found = facts("p.py", 1, operator)["batch_scoring"]
    assert found is not None and found.line == 9  # a transform operator is batch scoring where it stands
