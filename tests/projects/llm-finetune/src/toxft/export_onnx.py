"""Export the released model to ONNX for the CPU serving fleet and check it matches.

Weights are read from model.safetensors (never from a pickle), the graph is exported with
dynamic batch and sequence axes, and ONNX Runtime must reproduce the PyTorch logits.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", default="out/final")
    parser.add_argument("--out", default="out/toxft.onnx")
    args = parser.parse_args()

    model_dir = Path(args.model_dir)
    config = AutoConfig.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_config(config)
    model.load_state_dict(load_file(model_dir / "model.safetensors"))
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)

    sample = tokenizer(["you are all wonderful", "get lost, idiot"], padding=True, return_tensors="pt")
    torch.onnx.export(
        model,
        (sample["input_ids"], sample["attention_mask"]),
        args.out,
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "logits": {0: "batch"}},
        opset_version=17,
    )

    session = ort.InferenceSession(args.out, providers=["CPUExecutionProvider"])
    onnx_logits = session.run(["logits"], {k: v.numpy() for k, v in sample.items() if k != "token_type_ids"})[0]
    with torch.no_grad():
        torch_logits = model(**sample).logits.numpy()
    np.testing.assert_allclose(onnx_logits, torch_logits, rtol=1e-3, atol=1e-4)
    print(f"exported {args.out}; ONNX Runtime matches PyTorch")


if __name__ == "__main__":
    main()
