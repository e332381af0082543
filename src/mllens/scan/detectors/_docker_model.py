"""What a Dockerfile shows about the model it serves: a compiled model or a lean inference
runtime (ONNX Runtime, TF-Lite, OpenVINO, TensorRT, Triton), and a model pulled at a version
recorded in the repository (DVC, an MLflow registry version), for the docker family's
inference_runtime and model_version rules.
"""

from __future__ import annotations

import re

from mllens.scan.parse.dockerfile import Dockerfile

# packages of runtimes made to serve exported models, smaller and faster than the training framework
_RUNTIME_PACKAGES = re.compile(
    r"(?<![\w-])(tflite[-_]runtime|onnxruntime(-gpu)?|openvino(-runtime)?|tensorrt|ai-edge-litert|"
    r"optimum\[onnxruntime[^\]]*\]|ctranslate2)(?=[\s=<>~!\"'\]]|$|-\d)",
    re.IGNORECASE,
)
# compiled or exported model files copied into the image
_MODEL_FILES = re.compile(r"[^\s\[\]\",]+\.(onnx|tflite|engine|plan|ort|mlmodel)(?=[\s\",\]]|$)", re.IGNORECASE)
# base images of inference servers for exported models
_RUNTIME_IMAGES = re.compile(
    r"(^|/)(tritonserver|onnxruntime[\w-]*|model_server|openvino/[\w-]+|tensorrt[\w-]*)(:|@|$)", re.IGNORECASE
)
# a model fetched at a version the repository records: a .dvc file, an MLflow registry version or run
_DVC_PULL = re.compile(r"\bdvc\s+(pull|checkout|get\s+\S+\s+\S+\s+--rev\s+\S+)(\s+[^&|;]*)?")
_MLFLOW_VERSION = re.compile(r"models:/[\w.-]+/\d+|runs:/[0-9a-f]{16,}/")


def runtime_lines(dockerfile: Dockerfile) -> list[tuple[int, str]]:
    """(line, what) of each place the image gets a lean inference runtime or a compiled model."""
    found: list[tuple[int, str]] = []
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            image = instruction.value.split()[0] if instruction.value.split() else ""
            if _RUNTIME_IMAGES.search(image.split("@")[0]):
                found.append((instruction.line, f"an inference-server base image ({image})"))
        elif instruction.keyword == "RUN" and re.search(r"\b(pip3?|uv|conda|mamba|apt-get|apt)\b", instruction.value):
            package = _RUNTIME_PACKAGES.search(instruction.value)
            if package:
                found.append((instruction.line, f"installs {package.group(1)}"))
        elif instruction.keyword in ("COPY", "ADD"):
            model = _MODEL_FILES.search(instruction.value)
            if model:
                name = model.group(0).strip('[]",')
                found.append((instruction.line, f"copies the exported model {name}"))
    return found


def model_pulls(dockerfile: Dockerfile) -> list[tuple[int, str]]:
    """(line, what) of each RUN that fetches the model at a version the repository pins."""
    found: list[tuple[int, str]] = []
    for instruction in dockerfile.instructions:
        if instruction.keyword != "RUN":
            continue
        dvc = _DVC_PULL.search(instruction.value)
        mlflow = _MLFLOW_VERSION.search(instruction.value)
        if dvc:
            found.append((instruction.line, " ".join(dvc.group(0).split())))
        elif mlflow:
            found.append((instruction.line, f"the registered model {mlflow.group(0)}"))
    return found
