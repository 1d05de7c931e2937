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
    assert prose_problems("Japan: #3 (6%)") != [] and prose_problems("0.7% of the world, rank 7") != []
    assert prose_problems("Japan: third-largest (6%); India: rank among refiners") == []


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


# ---------------------------------------------------------------------------------------------
# one figure, one value (tests.support.figures)

from tests.support.figures import Figure, contradictions, figures_in_text, report_context, report_figures  # noqa: E402

#: the least a report of each kind must yield, so a grammar that stops matching fails instead of
#: passing on nothing: (figures read, figures printed more than once). Measured on the 2024 build:
#: profiles 47–63 figures, 8–12 repeated; the briefing 165 figures, 33 repeated.
MINIMUM = {"profile": (25, 4), "briefing": (80, 15)}


def _kind(text: str) -> str | None:
    mineral, _, _ = report_context(text)
    if mineral and "who supplies the world" in text.splitlines()[0]:
        return "profile"
    if "at a glance" in text.splitlines()[0]:
        return "briefing"
    return None


def test_every_figure_printed_more_than_once_has_one_value(checked_reports, report_stem, known_bug):
    known_bug("figures", report_stem)
    page = checked_reports / f"{report_stem}.html"
    figures = report_figures(page)
    kind = _kind(reader_text(page))
    if kind:
        least, least_repeated = MINIMUM[kind]
        keys = [f.key for f in figures]
        assert len(figures) >= least and len(keys) - len(set(keys)) >= least_repeated, (
            f"only {len(figures)} figures read ({len(keys) - len(set(keys))} repeated): has the wording changed?")
    assert contradictions(figures) == []


def test_the_briefing_and_each_profile_print_the_same_figures(checked_reports):
    briefing = checked_reports / "briefing.html"
    profiles = [p for p in sorted(checked_reports.glob("*.html")) if _kind(reader_text(p)) == "profile"]
    if not briefing.is_file() or not profiles:
        pytest.skip("needs the briefing and at least one mineral profile in the checked folder")
    summary = report_figures(briefing)
    for page in profiles:
        mine = report_figures(page)
        shared = {f.key for f in mine} & {f.key for f in summary}
        assert len(shared) >= 3, f"{page.stem}: only {len(shared)} figures also in the briefing"
        assert contradictions(summary + mine) == [], page.stem


def test_the_figure_check_catches_a_contradiction():
    # SYNTHETIC text and table (not data): gallium's China share printed as 98% and as 99%
    text = ("Gallium: who supplies the world\nWorld refinery production by country, 2024\nKey findings\n"
            "In 2024, China accounted for 98% of world refinery production of gallium (600 t of 610 t).\n"
            "The Herfindahl–Hirschman index of refinery production is 9,740 on the 0–10,000 scale.")
    table = ("Share of world refinery production by year, 2023–2024", ["Year", "Largest producer", "China", "Top 3", "HHI (0–10,000)"],
             [["2023", "China (98%)", "98%", "99%", "9,600"], ["2024e", "China (99%)", "99%", "100%", "9,740"]])
    figures = figures_in_text(text, [table])
    assert Figure("Gallium", 2024, "refinery production", "China", "98%", "").key in {f.key for f in figures}
    found = contradictions(figures)
    assert len(found) == 1 and "98%" in found[0] and "99%" in found[0] and "2024" in found[0]
    # the same figures without the slip agree, and a coarser rounding of one value is no contradiction
    fixed = text.replace("98% of world", "99% of world")
    assert contradictions(figures_in_text(fixed, [table])) == []
    assert contradictions(figures_in_text(fixed.replace("99% of world", "99.4% of world"), [table])) == []


# ---------------------------------------------------------------------------------------------
# one colour, one meaning (tests.support.readertext.colour_meaning_problems)

from tests.support.readertext import colour_meaning_problems  # noqa: E402


def test_each_colour_has_one_meaning_within_a_report(checked_reports, report_stem, known_bug):
    known_bug("colours", report_stem)
    specs = chart_specs(checked_reports / f"{report_stem}.html")
    assert colour_meaning_problems(specs) == []


def test_the_colour_check_sees_a_colour_with_two_meanings():
    # SYNTHETIC specs: green is "Top 3" in one chart and "MSP partners" in another
    top = {"title": "a", "encoding": {"color": {"field": "m", "scale": {"domain": ["China", "Top 3"], "range": ["#D55E00", "#009E73"]}}}}
    bloc = {"title": "b", "layer": [{"encoding": {"color": {"field": "b", "scale": {"domain": ["MSP partners"], "range": ["#009E73"]}}}}]}
    assert colour_meaning_problems([top, bloc]) == ["#009E73 means ['msp', 'top 3']"]
    # "China's share" and "China" are one entity; one entity in two colours is caught too
    same = {"encoding": {"color": {"field": "m", "scale": {"domain": ["China's share", "Top-3 share"], "range": ["#D55E00", "#332288"]}}}}
    assert colour_meaning_problems([top | {"encoding": {"color": {"field": "m", "scale": {"domain": ["China"], "range": ["#D55E00"]}}}}, same]) == []
    assert colour_meaning_problems([top, same]) == ["'top 3' drawn in ['#009E73', '#332288']"]
    assert colour_meaning_problems([{"encoding": {"color": {"field": "p", "scale": {"range": ["#0072B2"]}}}}]) != []
    # a risk band in nearly China's vermillion is caught although the hex codes differ
    band = {"encoding": {"color": {"field": "b", "scale": {"domain": ["2–4"], "range": ["#d5541b"]}}}}
    assert any("look alike" in p for p in colour_meaning_problems([top, band]))


def test_the_sources_line_is_plain_words_and_carries_the_citations_data_version(checked_reports, report_stem):
    """The Sources section's closing line (printed in the PDF too) names the data version in words
    a reader understands, and it is the very value the page's citation carries."""
    import html as html_module
    import re

    page = (checked_reports / f"{report_stem}.html").read_text(encoding="utf-8")
    section = re.search(r'<section class="econsec-sources">.*?</section>', page, re.S)
    assert section, "no Sources section"
    line = html_module.unescape(re.sub(r"<[^>]+>", "", re.findall(r"<p class=[\"']econsec-muted[\"']>(.*?)</p>", section[0], re.S)[-1]))
    assert prose_problems(line) == [], line
    printed = re.findall(r"Data version (sha256:[0-9a-f]{16})", line)
    cited = set(re.findall(r"Data version (sha256:[0-9a-f]{16})", html_module.unescape(page[section.end():])))
    assert len(printed) == 1 and cited == set(printed), (printed, cited)
