"""Every report read as an editor would: prose slips, charts without year or unit, print too small.

Each check runs on the reports ``tests/e2e/conftest.py`` selects (a built subset under ``make
test``, all of ``reports/`` under ``make publish-check``). The last tests show each check fails
on a constructed slip, so a pass means something.
"""

from __future__ import annotations

import pytest

from tests.support.readertext import (
    axis_tick_problems, chart_label_problems, chart_specs, chart_words, prose_problems, reader_text, small_pdf_words,
)

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


def test_no_chart_words_in_jargon_and_no_axis_printing_a_tick_twice(checked_reports, report_stem, known_bug):
    """Chart titles, axis titles and panel headers read as plainly as the prose; an axis printing
    whole numbers never ticks at fractions ("0 1 1 2 2 3 3")."""
    known_bug("chart-labels", report_stem)
    specs = chart_specs(checked_reports / f"{report_stem}.html")
    assert [p for spec in specs for p in prose_problems(chart_words(spec)) if "jargon" in p] == []
    assert [p for spec in specs for p in axis_tick_problems(spec)] == []


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
    # data-handling jargon (#13): say what the data are and who published them
    assert prose_problems("These are China's own export records (mirror data) from a derived table.") != []
    assert prose_problems("Rare earths: product group as defined by the derived table's author") != []
    assert prose_problems("(9 countries without it: mean of six WGI dimensions 2010–2018)") != []
    assert prose_problems("China's own export records (UN Comtrade, summed by month by an independent researcher)") == []


def test_the_axis_check_sees_whole_number_labels_on_fractional_ticks():
    # SYNTHETIC spec (not data): supply risk 0.8–7.3 on a ".0f" axis, as the country reports drew it before #13
    bars = {"mark": "bar", "encoding": {"x": {"field": "sr", "type": "quantitative", "axis": {"format": ".0f"}}}}
    spec = {"title": "Supply risk, 2024", "layer": [bars], "datasets": {"d": [{"sr": 0.8}, {"sr": 7.3}]}}
    assert len(axis_tick_problems(spec)) == 1
    bars["encoding"]["x"]["axis"]["tickMinStep"] = 1
    assert axis_tick_problems(spec) == []
    wide = {"title": "Imports", "encoding": {"y": {"field": "v", "type": "quantitative", "axis": {"format": ",.0f"}}},
            "datasets": {"d": [{"v": 0.0}, {"v": 350.0}]}}
    assert axis_tick_problems(wide) == []


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

from tests.support.figures import (  # noqa: E402
    Figure, contradictions, figures_in_text, report_context, report_figures, rounding_problems,
)

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


def test_country_partnership_and_profiles_print_each_figure_with_one_rounding(checked_reports):
    """India's rare-earth reserves, a mineral's supply risk: the country reports, the partnership
    report and the mineral profiles print each with one value and one rounding (#13: 8% against
    7.6%, 7.3 against 7.25)."""
    pages = [checked_reports / f"{n}.html" for n in ("country-india", "country-japan", "partnership")]
    pages = [p for p in pages if p.is_file()]
    profiles = [p for p in sorted(checked_reports.glob("*.html")) if _kind(reader_text(p)) == "profile"]
    if not pages or not profiles:
        pytest.skip("needs a country or partnership report and at least one mineral profile in the checked folder")
    figures = [f for page in pages + profiles for f in report_figures(page)]
    own = {f.key for page in pages for f in report_figures(page)}
    shared = own & {f.key for page in profiles for f in report_figures(page)}
    assert shared, "no figure of the country/partnership reports read in a profile: has the wording changed?"
    assert contradictions(figures) == []
    assert rounding_problems(figures) == []


def test_the_rounding_check_sees_one_figure_with_two_roundings():
    # SYNTHETIC sentences (not data) in the shapes the reports use
    profile = ("Rare earths: who supplies the world\nWorld mine production by country, 2024\nKey findings\n"
               "India produced 2,900 t (0.7% of the world, the seventh-largest producer); it holds 6.9 million t of reserves (8% of the world).\n"
               "On the EU method's global-supply term, with the worst-case assumptions, supply risk is 3.7 (the EU counts 1 or more).")
    country = ("For 2024, USGS lists Indian reserves for two of them: rare earths (6.9 million t, 7.6% of the world) and selenium "
               "(500 t, 0.5% of the world).\nSix minerals reach the threshold; rare earths is highest (3.69, with China supplying 69% of "
               "world mine production in 2024).")
    figures = figures_in_text(profile, []) + figures_in_text(country, [])
    assert contradictions(figures) == []  # the values agree …
    found = rounding_problems(figures)  # … but each is printed with two roundings
    assert len(found) == 2 and any("8%" in p and "7.6%" in p for p in found) and any("3.7" in p and "3.69" in p for p in found)
    fixed = country.replace("7.6%", "8%").replace("3.69", "3.7")
    assert rounding_problems(figures_in_text(profile, []) + figures_in_text(fixed, [])) == []


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
