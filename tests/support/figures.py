"""Figures a report prints, read back from its HTML, so one figure can be checked to have one value.

A *figure* is a share or an HHI tied to a mineral (or an HS product), a year, a measure (the
words the reports use for the series: "mine production", "refinery production", "mining" and
"refining" for the IEA's stages, "reserves", "imports of Japan", …) and an entity (a country,
a bloc, "Top 3" or "HHI"). :func:`report_figures` reads them from two places:

* the report's tables (``table.econsec-table``): the caption gives the year (one year, or two
  years for "a → b" cells), the measure comes from a "Measure"/"Series"/"Stage" column or the
  caption, the row's mineral from a "Mineral" or "HS code" column (else the report's own
  mineral), the entity from the column header ("China", "Top 3", "HHI (0–10,000)",
  "China, refining", "Japan: rank (share)", "Leader (share)" → the leader named in the cell);
* the prose: a small grammar over the sentence shapes the reports use ("<entity> accounted
  for <v>% of world <measure> of <mineral>", "<entity> was the largest producer of <mineral>
  (<v>% of world <measure>), …", "<entity>'s share of world <measure> was <v>%, against <v>% of
  <measure>", "went from <a> to <b>", "the three largest … held <v>%", "<entity>'s <measure>
  shares: <mineral> <v>%, …", "The Herfindahl–Hirschman index of <measure> is <n>", "<entity>
  supplied <v>% of <country>'s imports of … (HS <code>)", "<entity> holds <v>% of world reserves").

:func:`contradictions` compares figures with the same key. Two printed values agree when the
intervals their rounding allows overlap ("1%" and "0.7%" agree; "98%" and "99%" do not), so
the check is about one value per figure, while the rounding rule lives in ``analysis.text``.
Projection figures (IEA base case) carry "projection" in their measure and never meet
observed ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from tests.support.pdfcheck import squash
from tests.support.readertext import reader_text

MINERALS = [
    "Rare earths", "Lithium", "Cobalt", "Nickel", "Graphite", "Manganese", "Gallium", "Copper", "Germanium",
    "Antimony", "Tungsten", "Titanium", "Platinum-group metals", "Vanadium", "Niobium", "Selenium", "Tellurium",
]
_MINERAL = "|".join(sorted((m for m in MINERALS), key=len, reverse=True))
#: entities the prose names as subjects; blocs and countries as the reports spell them
_ENTITY = r"(?:China|India|Japan|DR Congo|Australia|Indonesia|Chile|South Africa|Russia|Myanmar|United States|Brazil|Canada|Philippines|Gabon|Peru|Mozambique|Madagascar|Zimbabwe|Argentina|Türkiye|Vietnam|Thailand|MSP|Quad|India–Japan)"
_MEASURE = r"(?:mine production|refinery production|refining|mining|reserves)"
_PCT = r"(?:<\s?)?[\d.,]+%"
_HHI = r"\d{1,2},\d{3}(?:–\d{1,2},\d{3})?|\d{3}(?:–\d{1,3}(?:,\d{3})?)?"
_YEAR = re.compile(r"\b(20\d\d)(?:e\b|\b)")  # "2021e": a USGS estimate year
_ALIASES = {"MSP partners": "MSP", "Top 3 producers": "Top 3", "Top-3 share": "Top 3"}


@dataclass(frozen=True)
class Figure:
    mineral: str
    year: int
    measure: str
    entity: str
    value: str  # as printed: "69%", "0.7%", "5,867–5,875"
    where: str  # "table: <caption>" or "text: <sentence start>"

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.mineral, self.year, self.measure, self.entity)


# ---------------------------------------------------------------------------------------------
# values and their rounding intervals


def value_interval(value: str) -> tuple[float, float] | None:
    """The range a printed value can stand for: "69%" → (68.5, 69.5); "0.7%" → (0.65, 0.75);
    "<0.1%" → (0, 0.1); "5,867–5,875" → (5866.5, 5875.5); None when it is not a number. Read as half-open intervals."""
    text = value.replace(",", "").replace(" ", "").rstrip("%")
    if text.startswith("<"):
        try:
            return (0.0, float(text[1:]))
        except ValueError:
            return None
    parts = text.split("–")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    decimals = max((len(p.split(".")[1]) if "." in p else 0) for p in parts)
    half = 0.5 * 10 ** (-decimals)
    return (min(numbers) - half, max(numbers) + half)


def agree(a: str, b: str) -> bool:
    ia, ib = value_interval(a), value_interval(b)
    if ia is None or ib is None:
        return a == b
    # half-open: "98%" stands for [97.5, 98.5), "99%" for [98.5, 99.5) — no value prints as both
    return ia[0] < ib[1] and ib[0] < ia[1]


# ---------------------------------------------------------------------------------------------
# tables


class _Tables(HTMLParser):
    """Each ``table.econsec-table`` as (caption, header cells, body rows)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[str], list[list[str]]]] = []
        self._table: list | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "econsec-table" in classes:
            self._table = ["", [], []]
        elif self._table is None:
            return
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag == "caption" and self._caption is not None:
            self._table[0] = squash("".join(self._caption))
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(squash("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self._table[1].extend(self._row) if self._in_head else self._table[2].append(self._row))
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self.tables.append(tuple(self._table))
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


_LEADER_COLUMNS = re.compile(r"^(?:Leader \(share\)|Largest producer|Largest refiner|Largest)$")
_STAGE_SUFFIX = re.compile(r"^(China|India|Japan|Top 3|HHI), (mining|refining)$")
_RANK_COLUMN = re.compile(r"^(China|India|Japan)(?: \(rank\)|: rank \(share\))$")
_ENTITY_COLUMNS = {"China", "India", "Japan", "MSP", "MSP partners", "Quad", "India–Japan", "Top 3"}


def _caption_measure(caption: str) -> str | None:
    low = caption.lower()
    if "export" in low:
        return "exports"
    for words in ("refinery production", "mine production"):
        if words in low:
            return words
    if "refiner" in low or "refining" in low:
        return "refining"
    return None


def _cell_share(cell: str) -> str | None:
    match = re.search(rf"({_PCT})", cell)
    return match.group(1).replace(" ", "") if match else None


def _table_figures(caption: str, header: list[str], rows: list[list[str]], mineral: str | None, report_year: int | None) -> list[Figure]:
    years = [int(y) for y in _YEAR.findall(caption)]
    if "→" not in " ".join(" ".join(r) for r in rows):
        years = sorted(set(years))
    col = {name: i for i, name in enumerate(header)}
    year_col = col.get("Year")
    if year_col is None and len(set(years)) not in (1, 2):
        return []
    if "projection" in caption.lower() and "observed" not in caption.lower():
        return []
    found = []
    where = f"table: {caption[:70]}"
    for row in rows:
        if len(row) != len(header):
            continue
        row_mineral = row[col["Mineral"]] if "Mineral" in col else (f"HS {row[col['HS code']]}" if "HS code" in col else mineral)
        if not row_mineral:
            continue
        measure = next((row[col[c]] for c in ("Measure", "Series", "Stage") if c in col), None) or _caption_measure(caption)
        row_years = [int(_YEAR.search(row[year_col]).group(1))] if year_col is not None and _YEAR.search(row[year_col]) else years
        for name, cell in zip(header, row):
            entity, cell_measure = None, measure
            if m := _STAGE_SUFFIX.match(name):
                entity, cell_measure = m.group(1), m.group(2)
            elif m := _RANK_COLUMN.match(name):
                entity = m.group(1)
            elif name.startswith("HHI"):
                entity = "HHI"
            elif name in _ENTITY_COLUMNS:
                entity = _ALIASES.get(name, name)
            elif _LEADER_COLUMNS.match(name) and (lm := re.match(r"^(.+?) \((" + _PCT + r")\)$", cell)):
                entity, cell = lm.group(1), lm.group(2)
            elif name.startswith("China ") and _YEAR.search(name) and "projection" not in name:
                entity, row_years_here = "China", [int(_YEAR.search(name).group(1))]
                found += [Figure(row_mineral, y, cell_measure, entity, v, where)
                          for y, v in zip(row_years_here, [_cell_share(cell)]) if v]
                continue
            if entity is None or cell_measure is None:
                continue
            parts = [p.strip() for p in cell.split("→")]
            values = [(p if entity == "HHI" else _cell_share(p)) for p in parts]
            if entity == "HHI":
                values = [p if re.fullmatch(_HHI, p) else None for p in parts]
            use_years = row_years if len(parts) == 1 else (years if len(years) == len(parts) else [])
            if len(parts) == 1 and len(use_years) != 1:
                continue
            for y, v in zip(use_years, values):
                if v:
                    found.append(Figure(row_mineral, y, cell_measure, entity, v, where))
    return found


# ---------------------------------------------------------------------------------------------
# prose


def _sentences(text: str, default_year: int | None) -> list[tuple[str, int | None]]:
    """Each sentence with its year: the one year it names, else the year the paragraph last
    named ("In 2023 China's share … . China's refining shares: …"), else the report's year."""
    out = []
    for line in text.splitlines():
        year = default_year
        for sentence in (s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", line)):
            if not sentence:
                continue
            years = set(_YEAR.findall(sentence))
            if len(years) == 1:
                year = int(years.pop())
            out.append((sentence, year if len(years) <= 1 else default_year))
    return out


def _prose_figures(text: str, mineral: str | None, year: int | None, default_measure: str | None) -> list[Figure]:
    found: list[Figure] = []
    for sentence, y in _sentences(text, year):
        where = f"text: {sentence[:70]}"
        projection = " projection" if "projection" in sentence else ""
        lead = re.match(r"^In (20\d\d),? ", sentence)
        sy = int(lead.group(1)) if lead else y

        def add(min_, year_, measure, entity, value):
            if min_ and year_ and measure and value:
                found.append(Figure(min_, year_, measure + projection, entity, value.replace(" ", ""), where))

        # <E> accounted for <v>% of world <measure> of <mineral>
        for m in re.finditer(rf"({_ENTITY}) accounted for ({_PCT}) of world ({_MEASURE}) of ({_MINERAL.lower()}|{_MINERAL})", sentence):
            add(m.group(4).capitalize(), sy, m.group(3), m.group(1), m.group(2))
        # <E> was the largest producer of <mineral> (<v>% of world <measure>), <mineral> (…) and …
        if m := re.search(rf"({_ENTITY}) was the largest producer of (.+)$", sentence):
            for item in re.finditer(rf"({_MINERAL.lower()}) \(({_PCT}) of world ({_MEASURE})\)", m.group(2)):
                add(item.group(1).capitalize(), sy, item.group(3), m.group(1), item.group(2))
        # <E>'s share of world <measure> (product) was <v>%, against <v>% of <measure>
        for m in re.finditer(rf"({_ENTITY})'s share of world ({_MEASURE})(?: \([^)]*\))? (?:was|is) ({_PCT})(?:, against ({_PCT}) of ({_MEASURE}))?", sentence):
            add(mineral, sy, m.group(2), m.group(1), m.group(3))
            add(mineral, sy, m.group(5), m.group(1), m.group(4))
        # China would still hold <v>% of world <measure> (…) in <year> (<v>% in <year>)
        for m in re.finditer(rf"({_ENTITY}) would still hold ({_PCT}) of world ({_MEASURE})(?: \([^)]*\))? in (20\d\d) \(({_PCT}) in (20\d\d)\)", sentence):
            found.append(Figure(mineral, int(m.group(4)), m.group(3) + " projection", m.group(1), m.group(2), where))
            found.append(Figure(mineral, int(m.group(6)), m.group(3), m.group(1), m.group(5), where))
        # Between Y1 and Y2 <E>'s share of world <measure> went from a to b, the top three's share from c to d and the HHI from e to f
        if m := re.search(rf"Between (20\d\d) and (20\d\d) ({_ENTITY})'s share of world ({_MEASURE}) went from ({_PCT}) to ({_PCT})", sentence):
            y1, y2, who, measure = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
            add(mineral, y1, measure, who, m.group(5))
            add(mineral, y2, measure, who, m.group(6))
            if t := re.search(rf"top three's share from ({_PCT}) to ({_PCT})", sentence):
                add(mineral, y1, measure, "Top 3", t.group(1))
                add(mineral, y2, measure, "Top 3", t.group(2))
            if h := re.search(rf"HHI from ({_HHI}) to ({_HHI})", sentence):
                add(mineral, y1, measure, "HHI", h.group(1))
                add(mineral, y2, measure, "HHI", h.group(2))
        # the three largest refiners held <v>% / The three largest producers — … — supplied <v>%
        for m in re.finditer(rf"three largest (refiners|producers)(?: — [^—]+ —)? (?:held|supplied) ({_PCT})", sentence):
            measure = "refining" if m.group(1) == "refiners" else default_measure
            add(mineral, sy, measure, "Top 3", m.group(2))
        # China's refining shares: rare earths 92%, graphite 91%, … and nickel 28%
        # (IEA products named: "China's refining shares (IEA, 2023): magnet rare earths 92%, lithium chemicals 65%")
        if m := re.search(rf"({_ENTITY})'s ({_MEASURE}) shares(?: \([^)]*\))?: (.+)$", sentence):
            for item in re.finditer(rf"({_MINERAL.lower()})(?: [a-z-]+)? ({_PCT})", m.group(3)):
                add(item.group(1).capitalize(), sy, m.group(2), m.group(1), item.group(2))
        # the gap is widest for lithium (18% of mining, 65% of refining) — China's shares
        if (m := re.search(rf"({_ENTITY})'s share of world (?:mining|refining)", sentence)) and (g := re.search(
                rf"widest for ({_MINERAL.lower()}) \(({_PCT}) of (mining|refining), ({_PCT}) of (mining|refining)\)", sentence)):
            add(g.group(1).capitalize(), sy, g.group(3), m.group(1), g.group(2))
            add(g.group(1).capitalize(), sy, g.group(5), m.group(1), g.group(4))
        # The Herfindahl–Hirschman index of <measure> is <n>
        for m in re.finditer(rf"Herfindahl–Hirschman index of ({_MEASURE}) is ({_HHI})\b", sentence):
            add(mineral, sy, m.group(1), "HHI", m.group(2))
        # <E> supplied <v>% of <Country>'s imports of <product> by value (HS <code>
        for m in re.finditer(rf"({_ENTITY}) supplied ({_PCT}) of (India|Japan)'s imports of [^()]*?\(HS (\d{{4,6}})", sentence):
            add(f"HS {m.group(4)}", sy, f"imports of {m.group(3)} by value", m.group(1), m.group(2))
        # <E> holds <v>% of world reserves
        for m in re.finditer(rf"({_ENTITY}) holds ({_PCT}) of world reserves", sentence):
            add(mineral, sy, "reserves", m.group(1), m.group(2))
        # India produced 2,900 t (…); it holds 6.9 million t of reserves (8% of the world) — a profile
        for m in re.finditer(rf"({_ENTITY}) produced [^;]*; it holds [\d.,]+ (?:thousand |million )?t of reserves \(({_PCT}) of the world", sentence):
            add(mineral, sy, "reserves", m.group(1), m.group(2))
        # USGS lists Indian reserves for …: rare earths (6.9 million t, 8% of the world), … — the country reports;
        # India holds reported reserves of rare earths (6.9 million t, 8% of world reserves) — the partnership report
        if re.search(r"Indian reserves for|India holds reported reserves of", sentence):
            for m in re.finditer(rf"({_MINERAL.lower()})[a-z ]* \([\d.,]+ (?:thousand |million )?t, ({_PCT}) of (?:the world|world reserves)\)", sentence):
                add(m.group(1).capitalize(), sy, "reserves", "India", m.group(2))
        # supply risk is 3.7 (a profile, worst case) / gallium is highest (7.3, … (the country reports)
        # (the profile's year is its supply year; the sentence also names the governance data's year)
        for m in re.finditer(r"supply risk is (\d+(?:\.\d+)?)\b", sentence):
            add(mineral, year, "supply risk (worst case)", "EU method", m.group(1))
        for m in re.finditer(rf"({_MINERAL.lower()}) is highest \((\d+(?:\.\d+)?), [^)]* in (20\d\d)\)", sentence):
            add(m.group(1).capitalize(), int(m.group(3)), "supply risk (worst case)", "EU method", m.group(2))
        # India produced 2,900 t (0.7% of the world, rank 7)
        for m in re.finditer(rf"({_ENTITY}) produced [\d.,]+ (?:thousand |million )?t \(({_PCT}) of the world", sentence):
            add(mineral, sy, default_measure, m.group(1), m.group(2))
    return found


# ---------------------------------------------------------------------------------------------
# a whole report


def report_context(text: str) -> tuple[str | None, int | None, str | None]:
    """(mineral, year, main measure) of a report from its first lines: a profile's title names
    its mineral ("Cobalt: who supplies the world") and its subtitle the year and series."""
    lines = text.splitlines()[:12]
    mineral = next((m for m in MINERALS if any(line.startswith(f"{m}:") for line in lines)), None)
    # the subtitle is the line before "Key findings" (the "Related:" line names other reports' years)
    subtitle = lines[lines.index("Key findings") - 1] if "Key findings" in lines else ""
    years = _YEAR.findall(subtitle)
    measure = next((w for w in ("refinery production", "mine production") if w in subtitle), None)
    return mineral, (int(years[0]) if years else None), measure


def figures_in_text(html_text: str, tables: list[tuple[str, list[str], list[list[str]]]]) -> list[Figure]:
    mineral, year, measure = report_context(html_text)
    found = _prose_figures(html_text, mineral, year, measure)
    for caption, header, rows in tables:
        found += _table_figures(caption, header, rows, mineral, year)
    return found


def report_figures(html_path: Path) -> list[Figure]:
    """Every figure :mod:`this module's <tests.support.figures>` grammar reads in a built report."""
    parser = _Tables()
    parser.feed(html_path.read_text(encoding="utf-8"))
    return figures_in_text(reader_text(html_path), parser.tables)


def contradictions(figures: list[Figure]) -> list[str]:
    """One line per key printed with values whose rounding intervals do not overlap."""
    by_key: dict[tuple, list[Figure]] = {}
    for f in figures:
        by_key.setdefault(f.key, []).append(f)
    problems = []
    for key, group in by_key.items():
        for i, a in enumerate(group):
            clash = next((b for b in group[i + 1:] if not agree(a.value, b.value)), None)
            if clash:
                problems.append(f"{key}: {a.value} ({a.where}) vs {clash.value} ({clash.where})")
                break
    return problems


def _decimals(value: str) -> int | None:
    """Decimal places of a printed number ("7.6%" → 1, "8%" → 0); None for "<0.1%" or a range."""
    text = value.replace(",", "").rstrip("%")
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):
        return None
    return len(text.split(".")[1]) if "." in text else 0


def rounding_problems(figures: list[Figure]) -> list[str]:
    """One figure printed with two roundings ("8%" in one place, "7.6%" in another): the values
    agree, but a reader sees two numbers. Shares of 1% or more are whole per cent and a supply risk
    has one decimal (the rules of ``analysis.text``), so the same key never needs two. Shares under
    1% keep a decimal by that rule and are left out."""
    by_key: dict[tuple, list[Figure]] = {}
    for f in figures:
        by_key.setdefault(f.key, []).append(f)
    problems = []
    for key, group in by_key.items():
        kinds = {}
        for f in group:
            d = _decimals(f.value)
            interval = value_interval(f.value)
            if d is None or interval is None or (f.value.endswith("%") and interval[1] <= 1.0):
                continue
            kinds.setdefault(d, f)
        if len(kinds) > 1:
            a, b = (kinds[d] for d in sorted(kinds)[:2])
            problems.append(f"{key}: {a.value} ({a.where}) vs {b.value} ({b.where})")
    return problems


def repeated(figures: list[Figure]) -> int:
    """How many keys are printed more than once (what the consistency check actually compares)."""
    counts: dict[tuple, int] = {}
    for f in figures:
        counts[f.key] = counts.get(f.key, 0) + 1
    return sum(1 for n in counts.values() if n > 1)
