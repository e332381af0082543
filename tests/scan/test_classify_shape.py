"""Folders classed by their place and shape in the tree (mllens.scan.classify_shape): other
repositories copied in, exercise and dated copies, project templates, tool and run output;
each with the look-alike that must stay the project's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mllens.cli import app
from mllens.review.model import CheckState
from mllens.scan.classify import content_signal, with_content
from mllens.scan.classify_shape import is_dev_container
from mllens.scan.walk import walk
from mllens.workflow import review_project

MIT = "MIT License\n\nCopyright (c) 2024 Acme\n"
APACHE = "\n                                 Apache License\n                           Version 2.0\n"
BACKSTAGE = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ds-project\n"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _classes(root: Path) -> dict[str, tuple[str, str]]:
    return {path: (d.cls, d.reason) for path, d in walk(root).classes.items()}


def test_a_git_submodule_is_another_repository(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitmodules": '[submodule "ext/yolo"]\n\tpath = ext/yolo\n\turl = https://github.com/x/yolo\n',
        "ext/yolo/train.py": "x = 1\n", "ext/mine/train.py": "x = 1\n", "src/app.py": "x = 1\n",
    })  # fmt: skip
    classes = _classes(tmp_path)
    assert classes == {"ext/yolo/train.py": ("vendored", "a git submodule (listed in .gitmodules): another repository")}


def test_a_pytorch_hub_repository_copied_below_the_root_is_vendored(tmp_path: Path) -> None:
    _tree(tmp_path, {"models/yolov5/hubconf.py": "def yolov5s(): ...\n", "models/yolov5/utils/general.py": "x = 1\n",
                     "models/train.py": "x = 1\n"})  # fmt: skip
    reason = "a PyTorch Hub repository copied in (hubconf.py below the root)"
    assert _classes(tmp_path) == {
        "models/yolov5/hubconf.py": ("vendored", reason),
        "models/yolov5/utils/general.py": ("vendored", reason),
    }


def test_a_hub_repository_scanned_itself_is_the_project(tmp_path: Path) -> None:
    _tree(tmp_path, {"hubconf.py": "def m(): ...\n", "utils/general.py": "x = 1\n"})
    assert _classes(tmp_path) == {}


@pytest.mark.parametrize(
    ("root_license", "classed"),
    [(MIT, True), (APACHE, False), (None, False)],
    ids=["licensed unlike the project", "same licence: a sub-project", "no root licence: ambiguous"],
)
def test_a_complete_third_party_project_licensed_unlike_the_project(
    tmp_path: Path, root_license: str | None, classed: bool
) -> None:
    files = {"libs/fastlib/LICENSE": APACHE, "libs/fastlib/setup.py": "setup()\n",
             "libs/fastlib/tests/test_x.py": "def test_x(): ...\n",
             "libs/fastlib/fastlib/core.py": "x = 1\n"}  # fmt: skip
    if root_license is not None:
        files["LICENSE"] = root_license
    classes = _classes(_tree(tmp_path, files))
    reason = "a third-party project copied in (its own LICENSE, setup.py and tests, licensed unlike the project)"
    if classed:
        assert classes["libs/fastlib/fastlib/core.py"] == ("vendored", reason)
        assert classes["libs/fastlib/tests/test_x.py"] == ("vendored", reason)
    else:
        assert "libs/fastlib/fastlib/core.py" not in classes
        assert classes["libs/fastlib/tests/test_x.py"][0] == "test"  # a sub-project's tests are tests


def test_an_exercise_copy_of_the_files_beside_it_is_docs(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "lab-02/lab.ipynb": "{}", "lab-02/pipeline/p.py": "x = 1\n", "lab-02/trainer/train.py": "x = 1\n",
        "lab-02/exercises/lab.ipynb": "{}", "lab-02/exercises/pipeline/p.py": "x = 1\n",
        "lab-02/exercises/trainer/train.py": "x = 1\n",
    })  # fmt: skip
    reason = "an exercise or output copy (exercises/: 3 of its 3 names repeat the files beside it)"
    assert _classes(tmp_path) == {
        "lab-02/exercises/lab.ipynb": ("docs", reason),
        "lab-02/exercises/pipeline/p.py": ("docs", reason),
        "lab-02/exercises/trainer/train.py": ("docs", reason),
    }


def test_labs_beside_solutions_are_the_exercise_copy_and_the_solutions_stay(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "cicd/solutions/pipeline/p.py": "x = 1\n", "cicd/solutions/cloudbuild.yaml": "steps: []\n",
        "cicd/labs/pipeline/p.py": "x = 1\n", "cicd/labs/cloudbuild.yaml": "steps: []\n",
        "cicd/README.md": "# lab\n",
    })  # fmt: skip
    reason = "an exercise copy of solutions/ (labs/: 2 of its 2 names repeat solutions/'s)"
    assert _classes(tmp_path) == {
        "cicd/labs/cloudbuild.yaml": ("docs", reason),
        "cicd/labs/pipeline/p.py": ("docs", reason),
    }


def test_a_labs_folder_of_the_projects_own_teaching_material_is_not_classed(tmp_path: Path) -> None:
    # named like a copy, but its names repeat nothing beside it: ambiguous, so the project's
    _tree(tmp_path, {"labs/intro.ipynb": "{}", "labs/serving/app.py": "x = 1\n", "src/train.py": "x = 1\n",
                     "README.md": "# course\n"})  # fmt: skip
    assert _classes(tmp_path) == {}


def test_a_dated_copy_of_the_tree_is_docs_and_dated_data_is_not(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "01-intro/train.py": "x = 1\n", "02-tracking/track.py": "x = 1\n", "03-deploy/app.py": "x = 1\n",
        "cohorts/2023/01-intro/homework.py": "x = 1\n", "cohorts/2023/02-tracking/track.py": "x = 1\n",
        "cohorts/2023/README.md": "# 2023\n",
        "data/2023/jan.csv": "a\n1\n", "reports/2023/summary.py": "x = 1\n",
    })  # fmt: skip
    reason = "a dated copy of the project (2023/: 2 of its 2 names repeat the root's)"
    assert _classes(tmp_path) == {
        "cohorts/2023/01-intro/homework.py": ("docs", reason),
        "cohorts/2023/02-tracking/track.py": ("docs", reason),
        "cohorts/2023/README.md": ("docs", reason),
    }


def test_scratch_and_run_output_folders_are_generated_but_a_package_named_so_is_not(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "tmp/model_v3/mlflow-model/requirements.txt": "pandas==2.0\n", "outputs/run1/config.yaml": "a: 1\n",
        "wandb/run-1/files/requirements.txt": "torch\n", "src/logs/__init__.py": "", "src/logs/setup.py": "x = 1\n",
    })  # fmt: skip
    assert _classes(tmp_path) == {
        "tmp/model_v3/mlflow-model/requirements.txt": (
            "generated", "scratch folder (tmp/): downloads and run output, not source"),
        "outputs/run1/config.yaml": ("generated", "run output folder (outputs/): written by runs, not source"),
        "wandb/run-1/files/requirements.txt": ("generated", "run output folder (wandb/): written by runs, not source"),
    }  # fmt: skip


def test_saved_notebook_outputs_copying_the_notebooks_beside_them_are_docs(tmp_path: Path) -> None:
    _tree(tmp_path, {"guided/0_basic.ipynb": "{}", "guided/mnist.py": "x = 1\n", "guided/requirements.txt": "ray\n",
                     "guided/notebook-outputs/0_basic.ipynb": "{}", "guided/notebook-outputs/mnist.py": "x = 1\n",
                     "guided/notebook-outputs/raytest.yaml": "a: 1\n"})  # fmt: skip
    classes = _classes(tmp_path)
    assert {p: c for p, (c, _) in classes.items()} == dict.fromkeys(
        ["guided/notebook-outputs/0_basic.ipynb", "guided/notebook-outputs/mnist.py",
         "guided/notebook-outputs/raytest.yaml"], "docs")  # fmt: skip
    assert classes["guided/notebook-outputs/mnist.py"][1].startswith(
        "an exercise or output copy (notebook-outputs/: 2 of"
    )


def test_a_backstage_template_is_docs_and_a_sam_template_is_the_project(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "templates/scope-1/template.yaml": BACKSTAGE,
        "templates/scope-1/skeleton/train.ipynb": "{}",
        "templates/scope-1/manifests/notebook.yaml": "kind: Notebook\nmetadata: {name: x}\n",
        "serverless/template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n",
        "serverless/app.py": "x = 1\n",
    })  # fmt: skip
    reason = "a Backstage software template (template.yaml of kind Template): placeholders, not the project"
    assert _classes(tmp_path) == {
        "templates/scope-1/template.yaml": ("docs", reason),
        "templates/scope-1/skeleton/train.ipynb": ("docs", reason),
        "templates/scope-1/manifests/notebook.yaml": ("docs", reason),
    }


def test_a_cookiecutter_template_folder_is_docs(tmp_path: Path) -> None:
    _tree(tmp_path, {"cookiecutter.json": "{}", "{{cookiecutter.project_slug}}/Dockerfile": "FROM python\n",
                     "hooks/post_gen_project.py": "x = 1\n"})  # fmt: skip
    assert _classes(tmp_path) == {
        "{{cookiecutter.project_slug}}/Dockerfile": (
            "docs", "project template folder ({{cookiecutter.project_slug}}/: a cookiecutter or copier placeholder)"),
    }  # fmt: skip


def test_template_placeholders_in_a_file_make_it_docs_and_ci_expressions_do_not() -> None:
    signal = content_signal("helm/notebook.yaml", "yaml", "metadata:\n  name: ${{ values.component_id }}\n")
    assert signal == ("template", "a project template's placeholders (${{ values.* }} or {{ cookiecutter.* }})")
    decision = with_content("helm/notebook.yaml", None, signal)
    assert decision is not None and (decision.cls, decision.where) == ("docs", "helm")
    workflow = "steps:\n  - run: echo ${{ secrets.TOKEN }} ${{ github.sha }} ${{ inputs.values }}\n"
    assert content_signal(".github/workflows/ci.yml", "yaml", workflow) is None
    assert content_signal("app.py", "python", "NAME = '{{ cookiecutter.project_slug }}'\n") is not None
    # prose that explains a template is the project's own documentation
    assert content_signal("README.md", "markdown", "Set `${{ values.name }}` in the form.\n") is None


def test_great_expectations_own_folders_are_generated(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "gx/great_expectations.yml": "config_version: 3\n", "gx/expectations/suite.json": "{}",
        "gx/uncommitted/data_docs/index.html": "<html/>", "gx/notebooks/pandas/validation_playground.ipynb": "{}",
        "notebooks/explore.ipynb": "{}",
    })  # fmt: skip
    assert _classes(tmp_path) == {
        "gx/uncommitted/data_docs/index.html": (
            "generated", "written by Great Expectations (uncommitted/ beside great_expectations.yml)"),
        "gx/notebooks/pandas/validation_playground.ipynb": (
            "generated", "written by Great Expectations (notebooks/ beside great_expectations.yml)"),
    }  # fmt: skip


def test_the_environment_mlflow_writes_beside_a_saved_model_is_generated(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "model/MLmodel": "flavors: {}\n", "model/conda.yaml": "dependencies: [mlflow]\n",
        "model/requirements.txt": "mlflow\n", "model/python_env.yaml": "python: 3.11\n",
        "model/sub/requirements.txt": "pandas\n", "requirements.txt": "mlflow\n",
    })  # fmt: skip
    reason = "written by MLflow beside MLmodel (the environment a saved model was logged with)"
    # MLmodel itself stays: its signature is what the project logged
    assert _classes(tmp_path) == {f"model/{n}": ("generated", reason)
                                  for n in ("conda.yaml", "requirements.txt", "python_env.yaml")}  # fmt: skip


def test_a_development_container_stays_the_projects_own(tmp_path: Path) -> None:
    _tree(tmp_path, {".devcontainer/Dockerfile": "FROM python:3.11\n", ".devcontainer/requirements.txt": "pytest\n"})
    assert _classes(tmp_path) == {}  # its pins speak for MLOPS04-BP02: a vetted development environment
    assert is_dev_container(".devcontainer/Dockerfile") and is_dev_container("svc/.devcontainer/gpu/Dockerfile")
    assert not is_dev_container("docker/Dockerfile") and not is_dev_container("my.devcontainer/Dockerfile")


def _project(root: Path) -> Path:
    return _tree(root, {
        "src/train.py": "import torch\n\ndef load(path):\n    return torch.load(path, weights_only=True)\n",
        "models/yolov5/hubconf.py": "def yolov5s():\n    ...\n",
        "models/yolov5/train.py": "import torch\n\ndef resume(path):\n    return torch.load(path)\n",
        "lab/solutions/Dockerfile": "FROM python:3.11.4\nUSER app\n",
        "lab/solutions/app.py": "x = 1\n",
        "lab/labs/Dockerfile": "FROM python\n",
        "lab/labs/app.py": "x = 1\n",
    })  # fmt: skip


def test_evidence_from_a_copied_repository_or_an_exercise_copy_is_stamped_and_decides_nothing(tmp_path: Path) -> None:
    review, _ = review_project(_project(tmp_path), use_cache=False, today=dt.date(2026, 12, 1))
    copied = [e for e in review.evidence if e.file.startswith(("models/yolov5/", "lab/labs/"))]
    assert {(e.file, e.rule, e.outcome, e.file_class) for e in copied if e.outcome == "contradicts"} >= {
        ("models/yolov5/train.py", "python_code.unsafe_deserialisation", "contradicts", "vendored"),
        ("lab/labs/Dockerfile", "docker.non_root_user", "contradicts", "docs"),
        ("lab/labs/Dockerfile", "docker.base_image_pinned", "contradicts", "docs"),
    }
    assert not any(e.decides for e in copied)
    # what they contradict is decided by the project's own files alone
    for item in (e for e in copied if e.outcome == "contradicts"):
        state = next(c for c in review.practice(item.practice).checks if c.id == item.check).state
        assert state is CheckState.MET, (item.rule, state)


def test_explain_files_names_each_shape_and_its_reason(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scan", str(_project(tmp_path)), "--explain-files", "--no-cache"])
    assert result.exit_code == 0, result.output
    rows = {tuple(line.split(None, 3)) for line in result.output.splitlines()[1:]}
    assert ("models/yolov5", "vendored", "2", "a PyTorch Hub repository copied in (hubconf.py below the root)") in rows
    assert (
        "lab/labs",
        "docs",
        "2",
        "an exercise copy of solutions/ (labs/: 2 of its 2 names repeat solutions/'s)",
    ) in rows


def test_copies_are_looked_for_in_a_bounded_number_of_folders(tmp_path: Path) -> None:
    # a hostile tree: every folder named like a copy and holding copies; only the first few
    # (in name order) are compared, so a walk stays linear in the tree's size
    files = {"run/a.py": "", "run/b.py": ""}
    files.update({f"run/output{i:02}/{n}": "" for i in range(40) for n in ("a.py", "b.py")})
    classes = _classes(_tree(tmp_path, files))
    assert sorted({path.split("/")[1] for path in classes}) == [f"output{i:02}" for i in range(16)]


def test_a_folder_its_readme_calls_sandbox_or_exploratory_work_is_docs(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "README.md": "# Demo\n\nExploratory work on a churn model.\n",  # the root is the project whatever it says
        "train.py": "x = 1\n",
        "notebooks/README.md": "# Notebooks\n\nSandbox experiments and walkthroughs live here.\n",
        "notebooks/deploy/score.py": "x = 1\n",
        "infra-trial/README.md": "# Terraform\n\nThis directory encompasses some exploratory work on clusters.\n",
        "infra-trial/main.tf": "x = 1\n",
        "analysis/README.md": "# Analysis\n\nExploratory data analysis of the churn data, feeding the model.\n",
        "analysis/eda.py": "x = 1\n",
        "byoc/README.md": "# BYOC: a container from scratch\n\nThe serving image of the workload.\n",
        "byoc/serve.py": "x = 1\n",
    })  # fmt: skip
    classes = _classes(tmp_path)
    assert {p: c for p, (c, _) in classes.items()} == {
        "notebooks/README.md": "docs", "notebooks/deploy/score.py": "docs",
        "infra-trial/README.md": "docs", "infra-trial/main.tf": "docs",
    }  # fmt: skip
    assert classes["notebooks/deploy/score.py"][1] == (
        "its README.md calls it exploratory or sandbox work, not the workload"
    )
