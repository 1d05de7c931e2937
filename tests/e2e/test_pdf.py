"""Every PDF report, read back with poppler-utils as a reader's viewer would.

Text (``pdftotext``): the report title, every section heading, every chart title and the
sources section of the HTML twin are in the PDF's text; the PDF's Title is the publication's.
Pages (``pdftoppm``): none is blank; poppler reports no broken drawing operators.
"""

from __future__ import annotations

import pytest

from tests.support.pdfcheck import body_lines, outline, pdf_facts, running_head, squash

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


def test_no_heading_or_caption_is_stranded_at_the_foot_of_a_page(pdf, report_stem, known_bug):
    known_bug("pdf-stranded", report_stem)
    expected, facts = pdf
    running = running_head(facts.pages)
    labels = [squash(x) for x in expected.headings + expected.captions]
    stranded = []
    for number, page in enumerate(facts.pages[:-1], start=1):
        lines = body_lines(page, running)
        tail = " ".join(lines[-2:])
        if lines and any(tail.endswith(label) for label in labels):
            stranded.append(f"page {number}: {lines[-1]!r}")
    assert stranded == []


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


#: a page under both of these holds a footer line or a sentence, not content worth a page
MIN_BODY_WORDS = 40
MIN_INK_PERCENT = 3.0


def near_empty_pages(facts) -> list[str]:
    running = running_head(facts.pages)
    found = []
    for number, (page, ink) in enumerate(zip(facts.pages, facts.ink), start=1):
        words = sum(len(line.split()) for line in body_lines(page, running))
        if words < MIN_BODY_WORDS and ink < MIN_INK_PERCENT:
            found.append(f"page {number}: {words} words, {ink:.1f}% ink")
    return found


def test_no_near_empty_page(pdf, report_stem, known_bug):
    known_bug("pdf-near-empty", report_stem)
    _, facts = pdf
    assert near_empty_pages(facts) == []


def test_the_near_empty_check_sees_a_stub_page(tmp_path, poppler):
    import weasyprint

    pdf = tmp_path / "stub.pdf"
    body = " ".join(["A sentence of real report text that fills the page."] * 30)
    weasyprint.HTML(string=f"<title>T</title><p>{body}</p><p style='break-before: page'>Only one sentence.</p>").write_pdf(pdf)
    pages = near_empty_pages(pdf_facts(pdf))
    assert len(pages) == 1 and pages[0].startswith("page 2")
