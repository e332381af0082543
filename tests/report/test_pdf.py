"""The PDF report: the HTML report paginated with a title page and page numbers."""

from __future__ import annotations

import importlib.util
import io
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mllens.cli import app
from mllens.errors import MllensError
from mllens.report import BINARY_REPORTERS, get_binary_reporter, get_reporter, pdf
from mllens.report.html import to_html
from mllens.review.model import Review
from mllens.scan.result import ScanResult

Reviewed = tuple[Review, ScanResult]

pytest.importorskip("weasyprint", reason="the optional extra 'pdf' (WeasyPrint) is not installed")


def _weasyprint_facts(html: str) -> tuple[int, str]:
    import weasyprint  # type: ignore[import-untyped]

    document = weasyprint.HTML(string=html).render()
    texts: list[str] = []

    def walk(box: object) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            texts.append(text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    pages = []
    for page in document.pages:
        texts = []
        walk(page._page_box)
        pages.append(" ".join(texts))
    return len(document.pages), "\f".join(pages)


def pdf_facts(data: bytes, html: str, tmp_path: Path) -> tuple[int, str]:
    """(page count, text) of a PDF: pdftotext when installed, else pypdf when already
    installed, else WeasyPrint's own document API on the HTML the PDF was made from."""
    if shutil.which("pdftotext"):
        path = tmp_path / "report.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
        return text.count("\f"), text
    if importlib.util.find_spec("pypdf") is not None:
        import pypdf  # type: ignore[import-not-found,unused-ignore]

        reader = pypdf.PdfReader(io.BytesIO(data))
        return len(reader.pages), "\f".join(p.extract_text() for p in reader.pages)
    return _weasyprint_facts(html)


@pytest.fixture(scope="module")
def example_pdf(example: Reviewed) -> bytes:
    review, scan = example
    return pdf.render(review, scan=scan)


def test_the_example_pdf_has_a_title_page_numbered_pages_and_the_content(
    example: Reviewed, example_pdf: bytes, tmp_path: Path
) -> None:
    review, scan = example
    assert example_pdf.startswith(b"%PDF-")
    pages, text = pdf_facts(example_pdf, to_html(review, scan=scan, paged=True), tmp_path)
    assert pages > 1
    title = text.split("\f")[0]
    assert "card-fraud-scoring" in title
    assert "Scores card transactions for fraud" in title
    assert f"Page 2 of {pages}" in text.split("\f")[1]
    assert "Risk map" in text and "Improvement plan" in text
    first_step = review.plan[0]
    assert first_step.practice in text
    assert "MLSEC05-BP01" in text and "head-of-risk-ml" in text  # the accepted risk
    print(f"\nexample PDF: {len(example_pdf)} bytes, {pages} pages")


def test_the_weasyprint_fallback_reads_pages_and_text() -> None:
    """The last resort of pdf_facts, on a small document (it lays the HTML out again)."""
    pages, text = _weasyprint_facts(
        '<p>first page</p><p style="break-before: page">second <b>page</b></p>'
    )
    assert pages == 2
    assert text.split("\f")[1].split() == ["second", "page"]


def test_an_empty_project_gives_a_pdf_too(empty: Reviewed, tmp_path: Path) -> None:
    review, scan = empty
    data = pdf.render(review, scan=scan)
    pages, text = pdf_facts(data, to_html(review, scan=scan, paged=True), tmp_path)
    assert data.startswith(b"%PDF-") and pages > 1
    assert review.workload.name in text.split("\f")[0]
    assert "nothing found" in text


def test_the_pdf_fetches_nothing_from_the_network() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(0.3)
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        data = pdf.html_to_pdf(
            f'<link rel="stylesheet" href="{url}/s.css"><p style="background: url({url}/bg.png)">hi</p>'
            f'<img src="{url}/x.png">'
        )
        assert data.startswith(b"%PDF-")
        with pytest.raises(TimeoutError):
            server.accept()  # nobody connected


def test_without_weasyprint_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails
    with pytest.raises(MllensError, match=r"pip install 'mllens\[pdf\]'"):
        pdf.html_to_pdf("<p>hi</p>")


def test_pdf_is_a_binary_format_of_the_registry() -> None:
    assert BINARY_REPORTERS["pdf"] is pdf.render
    assert get_binary_reporter("pdf") is pdf.render
    with pytest.raises(MllensError, match=r"format 'pdf' writes a binary file"):
        get_reporter("pdf")
    with pytest.raises(MllensError, match=r"'html' is not a binary report format \(binary formats: pdf\)"):
        get_binary_reporter("html")


def test_mllens_report_writes_pdf_bytes_to_the_output_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[str] = []

    def fake_pdf(review: Review, **kw: object) -> bytes:
        calls.append(review.workload.name)
        return b"%PDF-1.7 fake"

    monkeypatch.setitem(BINARY_REPORTERS, "pdf", fake_pdf)
    project = tmp_path / "churn"
    project.mkdir()
    out = tmp_path / "review.pdf"
    result = CliRunner().invoke(app, ["report", str(project), "--format", "pdf", "-o", str(out)],
                                obj={"scan": lambda path, **kw: ScanResult(root=path, files_scanned=0, duration_s=0)})
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"%PDF-1.7 fake" and calls == ["churn"]


def test_mllens_report_pdf_without_an_output_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 2
    assert "--output: format 'pdf' writes a binary file: give one with -o FILE" in result.stderr
