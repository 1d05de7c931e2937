"""Every report read as an editor would: prose slips, charts without year or unit, print too small.

Each check runs on the reports ``tests/e2e/conftest.py`` selects (a built subset under ``make
test``, all of ``reports/`` under ``make publish-check``). The last tests show each check fails
on a constructed slip, so a pass means something.
"""

from __future__ import annotations

import pytest

from tests.support.readertext import chart_label_problems, chart_specs, prose_problems, reader_text, small_pdf_words

pytestmark = [pytest.mark.slow]


def test_no_wrong_plural_doubled_stop_or_build_jargon(checked_reports, report_stem, known_bug):
    known_bug("prose", report_stem)
    text = reader_text(checked_reports / f"{report_stem}.html")
    assert text, "no reader text found"
    assert prose_problems(text) == []


def test_every_chart_states_a_year_and_a_unit(checked_reports, report_stem, known_bug):
    known_bug("chart-labels", report_stem)
    specs = chart_specs(checked_reports / f"{report_stem}.html")
    assert [p for spec in specs for p in chart_label_problems(spec)] == []


def test_no_pdf_text_below_6_pt(checked_reports, report_stem, poppler, known_bug):
    known_bug("pdf-small-text", report_stem)
    small = small_pdf_words(checked_reports / f"{report_stem}.pdf")
    assert small[:10] == [], f"{len(small)} words under 6 pt"


def test_the_prose_check_catches_each_slip():
    assert prose_problems("China supplied 98% of 1 countries' imports.") != []
    assert prose_problems("Lithium is as concentrated than cobalt.") != []
    assert prose_problems("It ends here..") != []
    assert prose_problems("Rare earths and antimony….") != [] and prose_problems("and antimony....") != []
    assert prose_problems("The list goes on... and on.") == []
    assert prose_problems("Run econsec data diff to see data/history/.") != []
    assert prose_problems("The residual counts towards HHI_WGI with t_c = 1 and value_t.") != []
    assert prose_problems("China supplied 69% of world mine production in 2024 (1 country, 1 t).") == []


def test_the_chart_check_needs_year_and_unit():
    bare = {"title": {"text": "Who supplies rare earths", "subtitle": "largest producers"}}
    assert len(chart_label_problems(bare)) == 2
    good = {"title": {"text": "Who supplies rare earths, 2024", "subtitle": "Share of world mine production (0–100%)"}}
    assert chart_label_problems(good) == []


def test_the_size_check_sees_small_print(tmp_path, poppler):
    import weasyprint

    pdf = tmp_path / "small.pdf"
    weasyprint.HTML(string="<p style='font-size:12pt'>Readable words</p><p style='font-size:4pt'>Tiny labels here</p>").write_pdf(pdf)
    words = {word for _, _, word in small_pdf_words(pdf)}
    assert {"Tiny", "labels", "here"} <= words and not {"Readable", "words"} & words
