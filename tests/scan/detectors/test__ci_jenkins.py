"""Jenkins pipelines read as Groovy text: shell steps, stages, input steps, images, library calls."""

from __future__ import annotations

from mllens.scan.detectors._ci_jenkins import read

DECLARATIVE = """\
@Library('ml-steps') _
pipeline {
    agent { docker { image 'python:3.11.9' } }
    stages {
        stage('Test') {
            steps {
                sh 'pytest -q'
                echo 'pytest passed'
            }
        }
        /* stage('Old') {
            steps { sh 'make deploy' }
        } */
        stage('Deploy to production') {
            input { message 'Release?' }
            steps {
                sh '''
                    az ml online-deployment create \\
                        --file deploy.yml
                    # a comment of the shell script
                '''
                // sh 'rm -rf /'
                script {
                    env.RUN = submitTraining('train.yml')
                }
            }
        }
    }
}
"""


def test_shell_steps_with_their_lines_and_stages() -> None:
    read_ = read(DECLARATIVE)
    texts = [(s.text, s.line, s.stage) for s in read_.shells]
    assert ("pytest -q", 7, "Test") in texts
    # a backslash-continued command is one command at its first line
    assert ("az ml online-deployment create --file deploy.yml", 18, "Deploy to production") in texts
    # echo is a step of its own, not a shell command; comments run nothing
    assert not any("pytest passed" in t or "make deploy" in t or "rm -rf" in t or "comment" in t for t, _l, _s in texts)


def test_stages_inputs_images_and_library_calls() -> None:
    read_ = read(DECLARATIVE)
    assert [(m.value, m.line) for m in read_.stages] == [("Test", 5), ("Deploy to production", 14)]
    assert [(m.line, m.stage) for m in read_.inputs] == [(15, "Deploy to production")]
    assert [(m.value, m.line) for m in read_.images] == [("python:3.11.9", 3)]
    assert [(m.value, m.line) for m in read_.calls] == [("submitTraining", 24)]


def test_scripted_pipeline_and_call_forms() -> None:
    text = """\
node('gpu') {
    stage("Train") {
        def out = sh(script: "python -m churn.train --epochs 3", returnStdout: true)
        sh("dvc push")
        docker.image('nvcr.io/nvidia/pytorch:24.05-py3').inside { sh 'nvidia-smi' }
    }
}
"""
    image = "'nvcr.io/nvidia/pytorch:24.05-py3'"
    read_ = read(text.replace(f"{image})", f"{image}, args: '-u root')"))
    assert [(m.value, m.line) for m in read_.container_args] == [("-u root", 5)]
    read_ = read(text)
    assert [(s.text, s.line, s.stage) for s in read_.shells] == [
        ("python -m churn.train --epochs 3", 3, "Train"), ("dvc push", 4, "Train"), ("nvidia-smi", 5, "Train")]
    assert [m.value for m in read_.images] == ["nvcr.io/nvidia/pytorch:24.05-py3"]


def test_an_unclosed_string_is_skipped_not_an_error() -> None:
    read_ = read("pipeline {\n  stages { stage('A') { steps { sh 'pytest -q\n } } }\n}\n")
    assert read_.shells == ()
    assert [m.value for m in read_.stages] == ["A"]
