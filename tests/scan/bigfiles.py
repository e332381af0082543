"""Files over the data family's large-file limit, which the repository cannot hold.

The fixtures and example projects that need them get them made here, as sparse files (no
disk blocks), before the scanner tests run; the root .gitignore keeps them out of git. The
walker never reads that .gitignore (it sits above every scanned tree), so scans see them.
"""

from __future__ import annotations

from pathlib import Path

from mllens.scan.detectors.data import DATASET_BYTES, LARGE_BYTES

TESTS = Path(__file__).resolve().parents[1]
_FIXTURES = TESTS / "scan" / "detectors" / "fixtures" / "data" / "large_files"
BIG_FILES: dict[Path, int] = {
    _FIXTURES / "bad" / "data" / "train.parquet": LARGE_BYTES + 1024 * 1024,
    _FIXTURES / "edge_lfs" / "models" / "model.onnx": LARGE_BYTES + 512 * 1024,
    _FIXTURES / "edge_dvc_out" / "models" / "model.pt": LARGE_BYTES * 2,
    TESTS / "projects" / "notebook-only" / "data" / "train.csv": 48 * 1024 * 1024,
    # under the large-file limit, but a dataset in a data folder; and the same in a test folder
    _FIXTURES / "edge_dataset_folder" / "data" / "raw" / "events.csv": DATASET_BYTES * 2,
    _FIXTURES / "edge_test_data" / "tests" / "data" / "events.csv": DATASET_BYTES * 2,
    _FIXTURES / "edge_test_data" / "notes" / "events.csv": DATASET_BYTES * 2,
    # a TFRecord shard of about 300 KB in a data folder: a committed dataset all the same
    _FIXTURES / "edge_small_dataset" / "data" / "train" / "images.tfrecord": DATASET_BYTES * 3,
    # the test split of a dataset (data/test/), not a test's sample data
    _FIXTURES / "edge_small_dataset" / "data" / "test" / "images.tfrecord": DATASET_BYTES * 3,
}


def make_big_files() -> None:
    for path, size in BIG_FILES.items():
        if path.parent.parent.is_dir() and not (path.is_file() and path.stat().st_size == size):
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                handle.truncate(size)
