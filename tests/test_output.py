"""mllens.output: one writer for every file mllens writes, atomic, announced the same way,
and one line `<path>: cannot write (<reason>)` when the destination cannot be written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mllens import output
from mllens.errors import MllensError
from mllens.output import OutputError, make_directory, write_atomic, write_output


def test_text_and_bytes_are_written_and_announced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_output(tmp_path / "r.md", "# review\r\nline\n")
    write_output(tmp_path / "r.pdf", b"%PDF-1.7\x00", detail="2 pages")
    write_output(tmp_path / "quiet.txt", "x", quiet=True)
    assert (tmp_path / "r.md").read_bytes() == b"# review\r\nline\n"  # newlines as given
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.7\x00"
    assert (tmp_path / "quiet.txt").read_text(encoding="utf-8") == "x"
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"wrote {tmp_path / 'r.md'}\nwrote {tmp_path / 'r.pdf'} (2 pages)\n"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("missing/dir/x.md", "No such file or directory"),
        (".", "Is a directory"),
        ("afile/x.md", "Not a directory"),
    ],
)
def test_an_unwritable_destination_is_one_line_naming_it(tmp_path: Path, target: str, reason: str) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    path = tmp_path / target
    with pytest.raises(OutputError) as caught:
        write_output(path, "text")
    assert str(caught.value) == f"{path}: cannot write ({reason})"
    assert isinstance(caught.value, MllensError)  # so the CLI prints it and exits 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # no temporary file left behind


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_a_read_only_file_or_folder_is_permission_denied(tmp_path: Path) -> None:
    locked = tmp_path / "locked.md"
    locked.write_text("old", encoding="utf-8")
    locked.chmod(0o444)
    with pytest.raises(OutputError, match=r"locked.md: cannot write \(Permission denied\)$"):
        write_output(locked, "new")
    assert locked.read_text(encoding="utf-8") == "old"
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=r"ro/x.md: cannot write \(Permission denied\)$"):
            write_output(folder / "x.md", "new")
    finally:
        folder.chmod(0o755)


def test_a_file_mllens_cannot_replace_keeps_its_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.md"
    path.write_text("old report", encoding="utf-8")

    def disk_full(src: str, dst: object) -> None:
        raise OSError(28, os.strerror(28))

    monkeypatch.setattr(output.os, "replace", disk_full)
    with pytest.raises(OutputError, match=r"report.md: cannot write \(No space left on device\)$"):
        write_output(path, "new report")
    assert path.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_a_replaced_file_keeps_its_mode_and_a_new_one_is_0644(tmp_path: Path) -> None:
    kept = tmp_path / "kept.yaml"
    kept.write_text("a", encoding="utf-8")
    kept.chmod(0o640)
    write_atomic(kept, "b")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text(encoding="utf-8") == "b"
    write_atomic(tmp_path / "new.yaml", "c")
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644


def test_a_symbolic_link_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("old", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("real.md")
    write_output(tmp_path / "link.md", "new", quiet=True)
    assert (tmp_path / "link.md").is_symlink()
    assert (tmp_path / "real.md").read_text(encoding="utf-8") == "new"


def test_a_device_is_written_in_place_never_replaced() -> None:
    write_output(Path("/dev/null"), "discarded", quiet=True)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_make_directory_names_what_is_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    make_directory(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()
    with pytest.raises(OutputError) as caught:
        make_directory(tmp_path / "file" / "lens")
    assert str(caught.value) == f"{tmp_path / 'file' / 'lens'}: cannot write (Not a directory)"


def test_answers_io_keeps_its_write_atomic() -> None:
    from mllens.answers import io

    assert io.write_atomic is write_atomic
