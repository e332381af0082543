"""Write a Lens as our YAML lens directory (`lens.yaml` + one file per pillar).

The inverse of `load.load_lens`: loading what this writes gives back an equal lens. Used
by `mllens lens import` to turn an AWS custom lens into files a team can edit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mllens.errors import InputError
from mllens.lens.model import Lens
from mllens.output import make_directory, write_output


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes multi-line strings as literal blocks, easier to edit."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _yaml(data: Any, *, comment: str) -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"# {comment}\n{body}"


def lens_files(lens: Lens, *, source: str = "") -> dict[str, str]:
    """File name -> YAML text for every file of the lens directory."""
    comment = f"Imported from {source} by `mllens lens import`." if source else "Written by mllens."
    names: dict[str, str] = {}
    taken: set[str] = {"lens.yaml"}
    for pillar in lens.pillars:
        if not lens.questions_of(pillar=pillar.id):
            continue  # a pillar file needs at least one question; the pillar stays in lens.yaml
        name, n = f"{pillar.id}.yaml", 1
        while name.lower() in taken:  # case-insensitive file systems
            n += 1
            name = f"{pillar.id}_{n}.yaml"
        taken.add(name.lower())
        names[pillar.id] = name
    header = lens.model_dump(mode="json", exclude_defaults=True, exclude={"questions"})
    header["files"] = list(names.values())
    if lens.extensions:  # keep it last: the part nobody edits
        header["extensions"] = header.pop("extensions")
    files = {"lens.yaml": _yaml(header, comment=comment)}
    for pillar_id, name in names.items():
        questions = [q.model_dump(mode="json", exclude_defaults=True) for q in lens.questions_of(pillar=pillar_id)]
        files[name] = _yaml({"pillar": pillar_id, "questions": questions}, comment=comment)
    return files


def write_lens(lens: Lens, directory: Path | str, *, source: str = "", overwrite: bool = False) -> list[Path]:
    """Write the lens files into `directory` (created if needed); the paths written.

    Refuses to replace an existing `lens.yaml` unless `overwrite`, so nothing a team
    edited is lost by a second import. A directory that cannot be written is an
    OutputError naming it.
    """
    root = Path(directory)
    if (root / "lens.yaml").exists() and not overwrite:
        raise InputError(
            "already holds a lens (lens.yaml); choose another directory or replace it (--overwrite)", file=str(root)
        )
    make_directory(root)
    written = []
    for name, text in lens_files(lens, source=source).items():
        write_output(root / name, text)  # announced on stderr, as every file mllens writes
        written.append(root / name)
    return written
