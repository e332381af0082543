"""Reading the moderation tables and turning them into token batches."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from toxft import IDENTITY_COLUMNS

REQUIRED = ("comment_id", "text", "label", *IDENTITY_COLUMNS)


def read_table(path: str | Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: expected columns {list(REQUIRED)}, missing {missing}")
    frame = frame.dropna(subset=["text"])
    frame["text"] = frame["text"].str.strip()
    return frame[frame["text"].str.len() > 0].reset_index(drop=True)


class CommentDataset(Dataset):
    def __init__(self, frame: pd.DataFrame, tokenizer, max_length: int) -> None:
        self.encodings = tokenizer(
            frame["text"].tolist(), truncation=True, max_length=max_length, padding="max_length"
        )
        self.labels = frame["label"].astype(int).tolist()

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        item = {k: torch.tensor(v[i]) for k, v in self.encodings.items()}
        item["labels"] = torch.tensor(self.labels[i])
        return item


def make_loader(dataset: Dataset, batch_size: int, *, distributed: bool, shuffle: bool, seed: int) -> DataLoader:
    sampler = DistributedSampler(dataset, shuffle=shuffle, seed=seed) if distributed else None
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        shuffle=shuffle and sampler is None,
        num_workers=4,
        pin_memory=True,
        drop_last=shuffle,
    )
