"""Custom lenses uploaded in the app: each upload of a name is its next version, kept as
the JSON text uploaded. Validation (the linter) happens before; the store keeps what passed.

Functions take `db` as in mllens.store.repo.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from mllens.store.common import Db, joined, now
from mllens.store.models import CustomLensRow


class CustomLensInfo(BaseModel):
    """One stored version of a custom lens (without its document)."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: int
    title: str
    uploaded_by: str
    uploaded_at: dt.datetime


def _info(row: CustomLensRow) -> CustomLensInfo:
    return CustomLensInfo(name=row.name, version=row.version, title=row.title, uploaded_by=row.uploaded_by,
                          uploaded_at=row.uploaded_at)


def save_custom_lens(db: Db, *, name: str, title: str, document: str, user: str) -> CustomLensInfo:
    """Store `document` as the next version of lens `name` (1 for a new name)."""
    with joined(db, write=True) as tx:
        last = tx.session.scalar(select(func.max(CustomLensRow.version)).where(CustomLensRow.name == name))
        row = CustomLensRow(name=name, version=(last or 0) + 1, title=title, document=document, uploaded_by=user,
                            uploaded_at=now())
        tx.session.add(row)
        tx.session.flush()
        return _info(row)


def list_custom_lenses(db: Db) -> list[CustomLensInfo]:
    """Every stored version, by name then newest version first."""
    with joined(db, write=False) as tx:
        rows = tx.session.scalars(select(CustomLensRow).order_by(CustomLensRow.name, CustomLensRow.version.desc()))
        return [_info(row) for row in rows]


def custom_lens_document(db: Db, *, name: str, version: int | None = None) -> tuple[CustomLensInfo, str] | None:
    """A stored lens's JSON text (its newest version unless `version` is given); None when there is none."""
    with joined(db, write=False) as tx:
        query = select(CustomLensRow).where(CustomLensRow.name == name)
        if version is not None:
            query = query.where(CustomLensRow.version == version)
        row = tx.session.scalars(query.order_by(CustomLensRow.version.desc()).limit(1)).first()
        return None if row is None else (_info(row), row.document)
