"""Numbers for narrative text: one place for units, rounding and separators.

Reports never type a number into markdown: they format a value computed by the library with
these helpers (``f"China mined {fmt_share(c.leader_share)} …"``), so text and charts agree and
a change in the data changes the sentence.

Conventions: thousands separators are commas; shares are 0–1 fractions shown as per cent
with the given number of decimals; tonnes switch to "thousand t" / "million t" above 10⁴ /
10⁶ so sentences stay readable; missing values print as "n/a" rather than "nan".
"""

from __future__ import annotations

import math

from analysis.vocabulary import HHI_HIGHLY_CONCENTRATED, HHI_MODERATELY_CONCENTRATED

MISSING = "n/a"


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    """``1234567.8`` → ``"1,234,568"``; ``decimals`` fixed places."""
    if _missing(value):
        return MISSING
    return f"{value:,.{decimals}f}"


def fmt_share(share: float | None, decimals: int | None = None) -> str:
    """0–1 fraction → per cent: ``0.6923`` → ``"69%"``; ``decimals=1`` → ``"69.2%"``.

    By default small non-zero shares keep one decimal (``0.004`` → ``"0.4%"``, and below 0.05 %
    ``"<0.1%"``) so that a real but small share never reads as "0%".
    """
    if _missing(share):
        return MISSING
    if decimals is None:
        if 0 < abs(share) < 0.0005:
            return "<0.1%"
        decimals = 1 if 0 < abs(share) < 0.01 else 0
    return f"{100 * share:,.{decimals}f}%"


def fmt_points(delta: float | None, decimals: int = 0) -> str:
    """Change of a share in percentage points, signed: ``-0.123`` → ``"−12 pp"``."""
    if _missing(delta):
        return MISSING
    text = f"{100 * abs(delta):,.{decimals}f} pp"
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + text


def fmt_change(change: float | None, decimals: int = 0) -> str:
    """Signed relative change (a fraction): ``-0.743`` → ``"−74%"``, ``0.25`` → ``"+25%"``."""
    if _missing(change):
        return MISSING
    text = fmt_share(abs(change), decimals)
    return ("+" if change > 0 else "−" if change < 0 else "±") + text


def fmt_tonnes(tonnes: float | None, decimals: int | None = None) -> str:
    """Tonnes with a readable magnitude: 2 900 → "2,900 t"; 390 000 → "390 thousand t";
    3 700 000 → "3.7 million t"; 0.75 → "0.75 t". ``decimals`` overrides the default precision.
    """
    if _missing(tonnes):
        return MISSING
    size = abs(tonnes)
    if size >= 1e6:
        return f"{tonnes / 1e6:,.{1 if decimals is None else decimals}f} million t"
    if size >= 1e5:
        return f"{tonnes / 1e3:,.{0 if decimals is None else decimals}f} thousand t"
    if size >= 10 or float(tonnes).is_integer():
        return f"{tonnes:,.{0 if decimals is None else decimals}f} t"
    return f"{tonnes:,.{2 if decimals is None else decimals}f} t"


def fmt_usd(usd: float | None, decimals: int | None = None) -> str:
    """US dollars: 1.34e9 → "USD 1.34 billion"; 38 310 231 → "USD 38.3 million"; 9 500 → "USD 9,500"."""
    if _missing(usd):
        return MISSING
    size = abs(usd)
    if size >= 1e9:
        return f"USD {usd / 1e9:,.{2 if decimals is None else decimals}f} billion"
    if size >= 1e6:
        return f"USD {usd / 1e6:,.{1 if decimals is None else decimals}f} million"
    return f"USD {usd:,.{0 if decimals is None else decimals}f}"


def fmt_hhi(value: float | None) -> str:
    """HHI on the 0–10 000 scale, rounded to a whole number with separators."""
    return fmt_number(value, 0)


def fmt_hhi_range(lower: float, upper: float) -> str:
    """"5,024" when the bounds round alike, else "2,215–2,219"."""
    low, high = fmt_hhi(lower), fmt_hhi(upper)
    return low if low == high else f"{low}–{high}"


def hhi_band(value: float) -> str:
    """Plain-words reading of an HHI with the US DOJ/FTC thresholds: above 1 800 "highly
    concentrated" (1992 Horizontal Merger Guidelines, kept by the 2023 Merger Guidelines),
    1 000–1 800 "moderately concentrated", below 1 000 "unconcentrated" (1992 guidelines).
    """
    if _missing(value):
        return MISSING
    if value > HHI_HIGHLY_CONCENTRATED:
        return "highly concentrated"
    if value >= HHI_MODERATELY_CONCENTRATED:
        return "moderately concentrated"
    return "unconcentrated"


def fmt_years(years: float | None) -> str:
    """Reserves-to-production years: whole years, "over 1,000 years" beyond a millennium."""
    if _missing(years) or math.isinf(years):
        return MISSING
    if years > 1000:
        return "over 1,000 years"
    return f"{years:,.0f} years"


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def number_word(n: int) -> str:
    """6 → "six", 12 → "12": numbers up to ten in words, as style guides ask."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def count_noun(n: int, singular: str, plural: str | None = None) -> str:
    """"one country", "two countries", "12 countries"."""
    return f"{number_word(n)} {singular if n == 1 else (plural or singular + 's')}"


def lower_first(text: str) -> str:
    """"Natural graphite (HS 2504)" → "natural graphite (HS 2504)" for use mid-sentence."""
    return text[:1].lower() + text[1:]


def join_names(names: list[str]) -> str:
    """["a"] → "a"; ["a", "b"] → "a and b"; ["a", "b", "c"] → "a, b and c"."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


#: Decimals of a supply-risk score (0–10 scale) wherever one is printed: one rule for every report.
SR_DECIMALS = 1


def fmt_sr(lower: float, upper: float | None = None) -> str:
    """A supply-risk score or range on the 0–10 scale, one decimal: "3.7"; "0.7–0.8" when the
    bounds round apart; ``upper`` omitted for a single score."""
    low = fmt_number(lower, SR_DECIMALS)
    high = low if upper is None else fmt_number(upper, SR_DECIMALS)
    return low if low == high else f"{low}–{high}"


def fmt_date(moment: object, precision: str = "day") -> str:
    """"1 December 2023" (day), "June 2023" (month), "2012" (year)."""
    import pandas as pd  # only here: the formatters stay importable without pandas

    moment = pd.Timestamp(moment)
    if precision == "year":
        return f"{moment:%Y}"
    if precision == "month":
        return f"{moment:%B %Y}"
    return f"{moment.day} {moment:%B %Y}"


def fmt_pp(delta: float) -> str:
    """A change of a share in percentage points, one decimal ("+3.2 pp" style of :func:`fmt_points`)."""
    return fmt_points(delta, 1)


def fmt_weight_kg(kg: float) -> str:
    """Net weight in tonnes, in kilograms below one tonne (a few kilograms must not read as "0.00 t")."""
    if not _missing(kg) and abs(kg) < 1000:
        return f"{fmt_number(kg, 0)} kg"
    return fmt_tonnes(kg / 1e3)


def fmt_ordinal(n: int, joint: bool = False) -> str:
    """1 → "largest", 2 → "second-largest", 11 → "11th-largest": a rank among producers in words;
    ``joint`` (another country has as much) → "joint third-largest"."""
    n = int(n)
    words = {1: "", 2: "second-", 3: "third-", 4: "fourth-", 5: "fifth-", 6: "sixth-", 7: "seventh-", 8: "eighth-", 9: "ninth-", 10: "tenth-"}
    prefix = "joint " if joint else ""
    if n in words:
        return f"{prefix}{words[n]}largest"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{prefix}{n}{suffix}-largest"


def fmt_rank_share(rank: float, share: float, joint: bool = False) -> str:
    """A country's position in a ranking, the one wording every report uses: rank 3, share 0.062
    → "third-largest (6%)" (ordinal words by :func:`fmt_ordinal`, the share by :func:`fmt_share`),
    never "#3"; a tie → "joint third-largest (0.4%)"."""
    return f"{fmt_ordinal(int(rank), joint)} ({fmt_share(share)})"
