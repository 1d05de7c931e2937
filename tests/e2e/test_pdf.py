"""Every PDF report, read back with poppler-utils as a reader's viewer would.

Text (``pdftotext``): the report title, every section heading, every chart title and the
sources section of the HTML twin are in the PDF's text; the PDF's Title is the publication's.
Pages (``pdftoppm``): none is blank; poppler reports no broken drawing operators.
"""

from __future__ import annotations

import pytest

from tests.support.pdfcheck import near_empty_pages, outline, pdf_facts, squash, stranded_headings

pytestmark = [pytest.mark.slow]


_FACTS: dict[str, tuple] = {}


@pytest.fixture
def pdf(poppler, checked_reports, report_stem):
    """(what the HTML twin says the PDF must hold, what poppler finds in the PDF)"""
    if report_stem not in _FACTS:
        path = checked_reports / f"{report_stem}.pdf"
        html = path.with_suffix(".html")
        assert path.is_file() and html.is_file(), f"{report_stem}: HTML and PDF not both built"
        _FACTS[report_stem] = (outline(html), pdf_facts(path))
    return _FACTS[report_stem]


def missing_in(text: str, wanted: list[str]) -> list[str]:
    return [item for item in wanted if item and squash(item) not in text]


def test_title_headings_chart_titles_and_sources_are_in_the_text(pdf, report_stem, known_bug):
    known_bug("pdf-text", report_stem)
    expected, facts = pdf
    assert expected.h1 and expected.headings and expected.sources, "the HTML twin has no title, heading or source"
    missing = {
        "title": missing_in(facts.text, expected.h1),
        "headings": missing_in(facts.text, expected.headings),
        "chart titles": missing_in(facts.text, expected.chart_titles),
        "sources": missing_in(facts.text, ["Sources", *expected.sources]),
    }
    assert {k: v for k, v in missing.items() if v} == {}


def test_pdf_title_is_the_publication_title(pdf):
    expected, facts = pdf
    assert squash(facts.info.get("Title", "")) == expected.title


def test_no_blank_page(pdf):
    _, facts = pdf
    assert len(facts.ink) == int(facts.info["Pages"]) == len(facts.pages)
    blank = [number for number, ink in enumerate(facts.ink, start=1) if ink == 0.0]
    assert blank == [], f"pages with nothing but margins: {blank}"


def test_poppler_reads_every_page_without_errors(pdf, report_stem, known_bug):
    """Broken drawing operators (e.g. 'nan' from a chart with no data) mean a chart is not drawn."""
    known_bug("pdf-poppler", report_stem)
    _, facts = pdf
    assert facts.warnings == ""


def test_no_heading_or_caption_is_stranded_at_the_foot_of_a_page(pdf, checked_reports, report_stem, known_bug):
    known_bug("pdf-stranded", report_stem)
    expected, facts = pdf
    assert stranded_headings(checked_reports / f"{report_stem}.pdf", facts, expected.headings, expected.captions) == []


def test_chart_titles_were_checked_somewhere(checked_reports, poppler):
    """Guard against a vacuous pass: the reports hold charts whose titles the text check compares."""
    titles = [t for html in checked_reports.glob("*.html") if html.name != "index.html" for t in outline(html).chart_titles]
    assert titles and all(titles)


def test_checks_see_a_blank_page_and_missing_text(tmp_path, poppler):
    """The checks above can fail: a PDF with an empty page and none of the expected text."""
    import weasyprint

    pdf = tmp_path / "blank.pdf"
    weasyprint.HTML(string="<title>T</title><p>only this</p><p style='break-before: page'></p>").write_pdf(pdf)
    facts = pdf_facts(pdf)
    assert len(facts.ink) == 2 and facts.ink[0] > 0 and facts.ink[1] == 0.0
    assert missing_in(facts.text, ["only this", "Sources"]) == ["Sources"]


def test_no_near_empty_page(pdf, report_stem, known_bug):
    known_bug("pdf-near-empty", report_stem)
    _, facts = pdf
    assert near_empty_pages(facts) == []


def _pdf(tmp_path, name: str, body: str):
    import weasyprint

    path = tmp_path / f"{name}.pdf"
    css = ("@page { size: A4; margin: 20mm; @bottom-right { content: 'Page ' counter(page) ' of ' counter(pages) } } "
           "body { font-size: 9.5pt } h3 { font-size: 11pt }")  # as the reports print
    weasyprint.HTML(string=f"<title>T</title><style>{css}</style>{body}").write_pdf(path)
    return path, pdf_facts(path)


FILL = " ".join(["A sentence of real report text that fills the page."] * 30)


def test_the_near_empty_check_sees_a_stub_page(tmp_path, poppler):
    _, facts = _pdf(tmp_path, "stub", f"<p>{FILL}</p><p style='break-before: page'>Only one sentence.</p>")
    pages = near_empty_pages(facts)
    assert len(pages) == 1 and pages[0].startswith("page 2")


def test_the_near_empty_check_sees_a_heading_and_paragraph_page_and_a_one_row_last_page(tmp_path, poppler):
    """What the reader review found: a middle page holding one heading and one paragraph (the
    chart it introduces on the next page), and a last page holding one table row and the footer."""
    paragraph = " ".join(["China has put gallium and germanium under export licensing."] * 6)
    row = "<tr><td>Japan</td><td>3</td><td>4</td><td>+1</td></tr>"
    _, facts = _pdf(tmp_path, "sparse", (
        f"<p>{FILL}</p><h2 style='break-before: page'>The shock after export controls</h2><p>{paragraph}</p>"
        f"<div style='break-before: page; height: 200mm; background: #333'></div>"
        f"<table style='break-before: page'>{row}</table><p>Built from published data on 2026-11-25.</p>"))
    pages = near_empty_pages(facts)
    assert [p.split(":")[0] for p in pages] == ["page 2", "page 4"], pages


def test_the_stranded_check_sees_a_heading_with_one_sentence_at_a_page_foot(tmp_path, poppler):
    """A heading and its one-sentence introduction end page 1, the table they introduce starts page 2;
    a heading whose whole short section ends the page, or the same words as a table cell, are fine."""
    heading = "Bilateral steps since January 2024"
    lines = "".join(f"<p style='margin:0'>Line {i} of text that fills the page.</p>" for i in range(62))
    path, facts = _pdf(tmp_path, "stranded", (
        f"{lines}<h3 style='margin:0'>{heading}</h3><p style='margin:0'>The table lists each step.</p>"
        f"<table style='break-before: page'><tr><td>2024-08-20</td><td>Dialogue</td></tr></table>"
        f"<p style='break-before: page'>A third page, so that no line repeats as a running head.</p>"))
    assert stranded_headings(path, facts, [heading]) != []
    assert stranded_headings(path, facts, ["Some other heading"]) == []
    ended = f"{lines}<h3 style='margin:0'>{heading}</h3><p style='margin:0'>A complete short section.</p>"
    path, facts = _pdf(tmp_path, "ended", f"{ended}<h3 style='break-before: page'>Next section</h3><p>Text.</p>"
                       f"<h3 style='break-before: page'>Last section</h3>")
    assert stranded_headings(path, facts, [heading, "Next section", "Last section"]) == []  # sections end on their page
    cell = f"<table><tr><td>{heading}</td></tr><tr><td>x</td></tr></table>"
    path, facts = _pdf(tmp_path, "cell", f"{lines}{cell}<p style='break-before: page'>next</p>")
    assert stranded_headings(path, facts, [heading]) == []
