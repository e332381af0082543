"""A stored custom lens as a Lens: its JSON imported once per stored version (cached:
a stored version never changes)."""

from __future__ import annotations

from functools import lru_cache

from mllens.errors import InputError
from mllens.lens.model import Lens
from mllens.lens.wa_format import import_lens
from mllens.store import Store
from mllens.store.lenses import custom_lens_document


@lru_cache(maxsize=32)
def _imported(name: str, version: int, document: str) -> Lens | None:
    try:
        return import_lens(document, file=f"{name} v{version}", lens_id=name, version=str(version)).lens
    except InputError:  # stored only after it imported cleanly; a later linter may refuse it
        return None


def stored_lens(store: Store, *, name: str, version: int | None = None) -> Lens | None:
    """The newest (or the given) version of the custom lens `name`; None when there is none."""
    found = custom_lens_document(store, name=name, version=version)
    if found is None:
        return None
    info, document = found
    return _imported(info.name, info.version, document)
