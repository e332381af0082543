"""Search learning rate, warmup and weight decay on a 20k-comment subset.

Each trial is a short single-GPU fine-tune scored on validation F1; Optuna's TPE sampler
proposes the next settings and the median pruner stops trials that fall behind.
"""

from __future__ import annotations

import argparse

import numpy as np
import optuna
from datasets import Dataset
from sklearn.metrics import f1_score
from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

from toxft.data import read_table

MODEL = "Qwen/Qwen2.5-0.5B"
SEED = 1234


def build_objective(train: Dataset, valid: Dataset, tokenizer):
    def compute_metrics(pred) -> dict[str, float]:
        return {"f1": f1_score(pred.label_ids, np.argmax(pred.predictions, axis=-1))}

    def objective(trial: optuna.Trial) -> float:
        model = AutoModelForSequenceClassification.from_pretrained(MODEL, num_labels=2)
        model.config.pad_token_id = tokenizer.pad_token_id
        args = TrainingArguments(
            output_dir=f"out/tune/trial-{trial.number}",
            learning_rate=trial.suggest_float("learning_rate", 5e-6, 1e-4, log=True),
            warmup_ratio=trial.suggest_float("warmup_ratio", 0.0, 0.1),
            weight_decay=trial.suggest_float("weight_decay", 0.0, 0.1),
            per_device_train_batch_size=16,
            num_train_epochs=1,
            eval_strategy="steps",
            eval_steps=200,
            save_strategy="no",
            report_to="none",
            bf16=True,
            seed=SEED,
        )
        trainer = Trainer(model=model, args=args, train_dataset=train, eval_dataset=valid,
                          compute_metrics=compute_metrics)
        trainer.train()
        return trainer.evaluate()["eval_f1"]

    return objective


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--storage", default="sqlite:///out/optuna.db")
    args = parser.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token

    def encode(frame):
        data = Dataset.from_pandas(frame[["text", "label"]].rename(columns={"label": "labels"}))
        return data.map(lambda b: tokenizer(b["text"], truncation=True, max_length=256, padding="max_length"),
                        batched=True)

    train = encode(read_table("data/train.parquet").sample(20_000, random_state=SEED))
    valid = encode(read_table("data/valid.parquet").sample(4_000, random_state=SEED))

    study = optuna.create_study(
        study_name="toxft-lr-sweep",
        storage=args.storage,
        load_if_exists=True,
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=SEED, n_startup_trials=8),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2),
    )
    study.optimize(build_objective(train, valid, tokenizer), n_trials=args.trials)
    print("best F1", study.best_value, "with", study.best_params)


if __name__ == "__main__":
    main()
