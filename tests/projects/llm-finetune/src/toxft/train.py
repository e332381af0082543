"""Fine-tune the classifier on one or more GPUs.

    torchrun --nproc_per_node 4 -m toxft.train --config configs/train_qwen05b.yaml

Every `save_every` steps rank 0 writes checkpoint-<step>/state.pt; on start the newest
checkpoint is loaded, so a preempted (spot) job continues where it stopped.
"""

from __future__ import annotations

import argparse
import math
import os
from contextlib import nullcontext
from pathlib import Path

import mlflow
import torch
import torch.distributed as dist
import yaml
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.profiler import ProfilerActivity, profile, schedule, tensorboard_trace_handler
from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup, set_seed

from toxft.data import CommentDataset, make_loader, read_table
from toxft.notify import post


def setup() -> tuple[int, int, torch.device]:
    if "LOCAL_RANK" not in os.environ:  # plain `python -m toxft.train`
        return 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dist.init_process_group(backend="nccl")
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.cuda.set_device(local_rank)
    return dist.get_rank(), dist.get_world_size(), torch.device("cuda", local_rank)


def latest_checkpoint(root: Path) -> Path | None:
    found = sorted(root.glob("checkpoint-*/state.pt"), key=lambda p: int(p.parent.name.split("-")[1]))
    return found[-1] if found else None


@torch.no_grad()
def evaluate(model, loader, device) -> dict[str, float]:
    model.eval()
    correct = total = 0
    loss_sum = 0.0
    for batch in loader:
        batch = {k: v.to(device) for k, v in batch.items()}
        out = model(**batch)
        loss_sum += out.loss.item() * batch["labels"].numel()
        correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
        total += batch["labels"].numel()
    model.train()
    return {"val_loss": loss_sum / total, "val_accuracy": correct / total}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/train_qwen05b.yaml")
    parser.add_argument("--checkpoint-dir", default=os.environ.get("SM_CHECKPOINT_DIR", "out/checkpoints"))
    args = parser.parse_args()
    cfg = yaml.safe_load(Path(args.config).read_text())

    rank, world, device = setup()
    set_seed(cfg["seed"])
    tokenizer = AutoTokenizer.from_pretrained(cfg["model_name"])
    tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token
    model = AutoModelForSequenceClassification.from_pretrained(cfg["model_name"], num_labels=2, torch_dtype=torch.bfloat16)
    model.config.pad_token_id = tokenizer.pad_token_id
    model.to(device)
    if world > 1:
        model = DDP(model, device_ids=[device.index])

    train_set = CommentDataset(read_table(cfg["train_path"]), tokenizer, cfg["max_length"])
    valid_set = CommentDataset(read_table(cfg["valid_path"]), tokenizer, cfg["max_length"])
    train_loader = make_loader(train_set, cfg["per_device_batch_size"], distributed=world > 1, shuffle=True, seed=cfg["seed"])
    valid_loader = make_loader(valid_set, cfg["per_device_batch_size"], distributed=False, shuffle=False, seed=cfg["seed"])

    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["learning_rate"], weight_decay=cfg["weight_decay"])
    steps_per_epoch = math.ceil(len(train_loader) / cfg["grad_accum_steps"])
    total_steps = steps_per_epoch * cfg["epochs"]
    scheduler = get_linear_schedule_with_warmup(optimizer, int(cfg["warmup_ratio"] * total_steps), total_steps)

    ckpt_root = Path(args.checkpoint_dir)
    step = 0
    resume = latest_checkpoint(ckpt_root)
    if resume is not None:
        state = torch.load(resume, map_location=device, weights_only=True)
        (model.module if world > 1 else model).load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]

    if rank == 0:
        mlflow.set_experiment(cfg["mlflow_experiment"])
        mlflow.start_run(run_name=os.environ.get("TRAINING_JOB_NAME"))
        mlflow.log_params({k: v for k, v in cfg.items() if not k.endswith("_path")} | {"world_size": world})
        post(f"toxft training started on {world} GPU(s), resuming at step {step}")

    # Trace a few steps when asked: the first profile showed the dataloader starving the GPUs.
    tracing = (
        profile(
            activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA],
            schedule=schedule(wait=2, warmup=2, active=cfg["profile_steps"]),
            on_trace_ready=tensorboard_trace_handler(str(Path(cfg["output_dir"]) / "profile")),
            profile_memory=True,
        )
        if cfg["profile_steps"] and rank == 0
        else nullcontext()
    )
    model.train()
    with tracing as prof:
        for epoch in range(step // steps_per_epoch, cfg["epochs"]):
            if world > 1:
                train_loader.sampler.set_epoch(epoch)
            for i, batch in enumerate(train_loader):
                batch = {k: v.to(device) for k, v in batch.items()}
                loss = model(**batch).loss / cfg["grad_accum_steps"]
                loss.backward()
                if (i + 1) % cfg["grad_accum_steps"]:
                    continue
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                if prof is not None:
                    prof.step()
                if rank == 0 and step % 50 == 0:
                    mlflow.log_metric("train_loss", loss.item() * cfg["grad_accum_steps"], step=step)
                if rank == 0 and step % cfg["save_every"] == 0:
                    target = ckpt_root / f"checkpoint-{step}"
                    target.mkdir(parents=True, exist_ok=True)
                    torch.save(
                        {
                            "model": (model.module if world > 1 else model).state_dict(),
                            "optimizer": optimizer.state_dict(),
                            "scheduler": scheduler.state_dict(),
                            "step": step,
                            "epoch": epoch,
                        },
                        target / "state.pt",
                    )
                if rank == 0 and step % cfg["eval_every"] == 0:
                    mlflow.log_metrics(evaluate(model, valid_loader, device), step=step)

    if rank == 0:
        final = Path(cfg["output_dir"]) / "final"
        (model.module if world > 1 else model).save_pretrained(final, safe_serialization=True)
        tokenizer.save_pretrained(final)
        metrics = evaluate(model, valid_loader, device)
        mlflow.log_metrics(metrics, step=step)
        mlflow.log_artifacts(str(final), artifact_path="model")
        mlflow.end_run()
        post(f"toxft training finished at step {step}: val_accuracy={metrics['val_accuracy']:.4f}")
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
