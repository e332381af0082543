"""The PDF report: the HTML report paginated with a title page and page numbers."""

from __future__ import annotations

import io
import re
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
import wcag
from typer.testing import CliRunner

from mllens.cli import app
from mllens.errors import MllensError
from mllens.lens import Risk
from mllens.report import BINARY_REPORTERS, get_binary_reporter, get_reporter, pdf
from mllens.report.html import to_html
from mllens.report.html_svg import lifecycle_stages
from mllens.review.model import Review
from mllens.scan.result import ScanResult

Reviewed = tuple[Review, ScanResult]

weasyprint = pytest.importorskip("weasyprint", reason="the optional extra 'pdf' (WeasyPrint) is not installed")


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, as a search or a screen reader gets it out of the PDF: through
    pypdf, the one PDF reader the tests use (a pinned dev dependency, no system tool)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def example_pdf(example: Reviewed) -> bytes:
    review, scan = example
    return pdf.render(review, scan=scan)


@pytest.fixture(scope="module")
def example_pages(example_pdf: bytes) -> list[str]:
    return pdf_pages(example_pdf)


def test_the_example_pdf_has_a_title_page_numbered_pages_and_the_content(
    example: Reviewed, example_pdf: bytes, example_pages: list[str]
) -> None:
    review, _ = example
    assert example_pdf.startswith(b"%PDF-")
    pages = example_pages
    text = "\n".join(pages)
    assert len(pages) > 1
    assert "card-fraud-scoring" in pages[0]
    assert "Scores card transactions for fraud" in pages[0]
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert "Risk map" in text and "Improvement plan" in text
    first_step = review.plan[0]
    assert first_step.practice in text
    assert "MLSEC05-BP01" in text and "head-of-risk-ml" in text  # the accepted risk
    for q in review.questions:  # every cell of the risk map is searchable by its question id
        assert q.id in pages[1] + pages[2], q.id
    print(f"\nexample PDF: {len(example_pdf)} bytes, {len(pages)} pages")


STAGE_HEADING = re.compile(
    r"(\d)\. (Data sources|Processing|Training|Registry|Deployment|Monitoring)\s+[✓!✕]?\s*"
    r"(only gaps found|nothing found|found)( \([^)\n]*\))?"
)


def stage_states(text: str) -> list[tuple[str, str, str, str]]:
    """(number, stage, state, counts) of each lifecycle stage the PDF names in text."""
    return STAGE_HEADING.findall(text)


def test_an_empty_project_gives_a_pdf_too(empty: Reviewed) -> None:
    review, scan = empty
    data = pdf.render(review, scan=scan)
    pages = pdf_pages(data)
    assert data.startswith(b"%PDF-") and len(pages) > 1
    assert review.workload.name in pages[0]
    # every lifecycle stage says, in text and in order, that nothing was found
    assert stage_states("\n".join(pages)) == [
        ("1", "Data sources", "nothing found", ""),
        ("2", "Processing", "nothing found", ""),
        ("3", "Training", "nothing found", ""),
        ("4", "Registry", "nothing found", ""),
        ("5", "Deployment", "nothing found", ""),
        ("6", "Monitoring", "nothing found", ""),
    ]


def test_the_lifecycle_states_of_a_project_with_findings_are_text_in_the_pdf(
    example: Reviewed, example_pages: list[str]
) -> None:
    review, scan = example
    stages = lifecycle_stages(scan.lifecycle, review.evidence)
    assert {"found", "gaps"} <= {s.state for s in stages}  # the example shows both kinds
    expected = [(str(s.number), s.name, s.state_label, f" ({s.counts})" if s.counts else "") for s in stages]
    assert stage_states("\n".join(example_pages)) == expected


def _colour(value: Any) -> wcag.RGBA:
    """A WeasyPrint computed colour as 0..255 channels and alpha."""
    r, g, b = value.to("srgb").coordinates
    return (r * 255, g * 255, b * 255, value.alpha)


def _boxes(box: Any, opacity: float = 1.0) -> Iterator[tuple[Any, float]]:
    """Every box under `box` with the opacity it is drawn with (opacities multiply)."""
    opacity *= box.style["opacity"]
    yield box, opacity
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child, opacity)


def _classes(box: Any) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


@pytest.fixture(scope="module")
def every_risk_laid_out(example: Reviewed) -> Any:
    """The example's PDF layout (WeasyPrint's own boxes and computed styles) with the risk
    map's questions given each of the five risks in turn."""
    review, scan = example
    review = review.model_copy(deep=True)
    for i, q in enumerate(review.questions):
        q.risk = list(Risk)[i % len(Risk)]
    with pdf._quiet_weasyprint():
        return weasyprint.HTML(string=to_html(review, scan=scan, paged=True)).render()


def test_every_risk_map_cell_of_the_pdf_keeps_its_text_inside_and_readable(every_risk_laid_out: Any) -> None:
    """Text colour against the cell's colour meets WCAG AA (4.5:1) as WeasyPrint draws it,
    with the stylesheet's cascade, inheritance and opacity; no label runs past its cell."""
    worst: dict[str, float] = {}
    cells = 0
    for page in every_risk_laid_out.pages:
        for cell, cell_opacity in _boxes(page._page_box):
            risk = next((c for c in _classes(cell) if c.startswith("risk-")), None)
            if "cell" not in _classes(cell) or risk is None:
                continue
            cells += 1
            assert cell.style["background_image"] in (None, (), [("none", None)]) or all(
                kind == "none" for kind, _ in cell.style["background_image"]), "a flat colour: the ratio is exact"
            bg = _colour(cell.style["background_color"])
            left = cell.padding_box_x()
            right = left + cell.padding_width()
            for box, opacity in _boxes(cell, cell_opacity):
                text = getattr(box, "text", None)
                if type(box).__name__ != "TextBox" or not text or not text.strip():
                    continue
                fg = wcag.with_opacity(_colour(box.style["color"]), opacity / cell_opacity)
                contrast = wcag.ratio(fg, bg)
                worst[risk] = min(worst.get(risk, 99.0), contrast)
                assert contrast >= wcag.AA_NORMAL_TEXT, f"{text!r} on {risk}: {contrast:.2f}:1"
                assert left - 0.5 <= box.position_x and box.position_x + box.width <= right + 0.5, (
                    f"{text!r} runs out of its {risk} cell: {box.position_x:.1f}..{box.position_x + box.width:.1f} "
                    f"in {left:.1f}..{right:.1f}")
    assert cells == 35 and set(worst) == {f"risk-{c}" for c in ("high", "medium", "none", "unanswered", "na")}
    print("\nlowest contrast in the PDF's risk map:", {k: round(v, 2) for k, v in sorted(worst.items())})


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
        assert data.startswith(b"%PDF-") and pdf_pages(data) == ["hi"]
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
