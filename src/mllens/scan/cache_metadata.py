"""Family metadata as last parsed, kept as JSON in the cache folder.

A cold scan loads every family's YAML metadata (300 KB) before its first worker starts:
parsing it with the bounded, duplicate-refusing loader (mllens.yamlio) took about 20 ms of
that path on the bench machine, reading the same document back as JSON about 3 ms. A
document is kept under a digest of its text and of the loader (PyYAML's version and our
loader's sources), and only when JSON gives back exactly what YAML gave (a document with
anything JSON would change, such as a date or a non-string key, is parsed each time). A
text that does not parse is never kept: its error is raised as before, naming the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import yaml

import mllens
from mllens.yamlio import parse_yaml

_LOADER: list[bytes] = []  # the loader's identity, worked out once per process


def _loader() -> bytes:
    if not _LOADER:
        digest = hashlib.blake2b(f"{yaml.__version__}\0{getattr(mllens, '__version__', '0')}".encode())
        here = Path(mllens.__file__).parent
        for name in ("yamlio.py", "readers.py"):
            try:
                digest.update(name.encode() + b"\0" + (here / name).read_bytes())
            except OSError:
                digest.update(name.encode())
        _LOADER.append(digest.digest())
    return _LOADER[0]


def parsed(text: str, *, file: str, folder: Path) -> Any:
    """`parse_yaml(text, file=file)`, read back from `folder` when kept there before."""
    key = hashlib.blake2b(_loader() + text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
    path = folder / "metadata" / f"{key}.json"
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        pass
    document = parse_yaml(text, file=file)
    with contextlib.suppress(OSError, ValueError, TypeError):  # not kept: parsed again next time
        data = json.dumps(document)
        if json.loads(data) == document and _same_types(json.loads(data), document):
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(data, encoding="utf-8")
            os.replace(temporary, path)
    return document


def _same_types(a: Any, b: Any) -> bool:
    """Equal documents whose values also have the same types (JSON reads a tuple as a list,
    and 1 == 1.0 == True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return True
