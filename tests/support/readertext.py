"""What a reader reads in a report, and the classes of slip a careful editor would strike.

:func:`reader_text` gives a report page's visible prose (scripts, styles and the sources
section left out — source entries legitimately name repositories and files).
:func:`prose_problems` lists wrong plurals, doubled full stops and build-tool jargon (file
paths, command names, code column names). :func:`chart_label_problems` lists charts whose
title and subtitle state no year or no unit. :func:`small_pdf_words` lists words a PDF prints
under a point size.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from tests.support.pdfcheck import spec_title, squash


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.specs: list[dict] = []
        self._hidden = 0
        self._spec: list[str] | None = None
        self._heading: list[str] | None = None
        self.stopped = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "script" and "econsec-chart-spec" in classes:
            self._spec = []
        elif tag in ("script", "style", "noscript", "template"):
            self._hidden += 1
        elif tag == "h2":
            self._heading = []
        if tag in ("p", "li", "div", "tr", "td", "th", "h1", "h2", "h3", "br", "caption"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "script" and self._spec is not None:
            self.specs.append(json.loads("".join(self._spec)))
            self._spec = None
        elif tag in ("script", "style", "noscript", "template") and self._hidden:
            self._hidden -= 1
        elif tag == "h2" and self._heading is not None:
            if squash("".join(self._heading)) in ("Sources", "Appendix: data"):
                self.stopped = True
            self._heading = None

    def handle_data(self, data):
        if self._spec is not None:
            self._spec.append(data)
            return
        if self._heading is not None:
            self._heading.append(data)
        if not self._hidden and not self.stopped:
            self.parts.append(data)


def _parse(html_path: Path) -> _Visible:
    parser = _Visible()
    parser.feed(html_path.read_text(encoding="utf-8"))
    return parser


def reader_text(html_path: Path) -> str:
    """Visible prose of a report before its sources section, one line per block element."""
    text = "".join(_parse(html_path).parts)
    return "\n".join(squash(line) for line in text.splitlines() if line.strip())


def chart_specs(html_path: Path) -> list[dict]:
    return _parse(html_path).specs


#: singular count + plural noun ("1 countries"); "1 t" or "1 %" are not nouns
_WRONG_PLURAL = re.compile(r"(?<![\d.,])\b1 (?!percent)([a-z]{3,}s)\b")
_PLURAL_OK = {"tonnes", "billions", "millions", "thousands", "years"}  # "1 years" is still wrong, see below
_DOUBLED_STOP = re.compile(r"(?<!\.)\.\.(?!\.)|\.{4,}|…\.|\.…")
_JARGON = [
    (re.compile(r"\b(?:data|reports|notebooks|src)/[\w./-]*"), "file path"),
    (re.compile(r"\b[\w-]+\.(?:csv|ipynb|py|toml|json|xlsx)\b"), "file name"),
    (re.compile(r"\b(?:econsec|papermill|pytest|make) [a-z-]+"), "command"),
    (re.compile(r"\b[a-z]+_[a-z0-9_]+\b"), "code name"),
    (re.compile(r"\bHHI_\w+|\bt_c\b"), "formula code name"),
    (re.compile(r"\b(?:data package|datapackage)\b", re.IGNORECASE), "build term"),
    (re.compile(r"(?<![\w&])#\d+\b|\brank \d+\b"), "rank as a number (use analysis.text.fmt_rank_share / fmt_ordinal)"),
    # how the data were handled, in the words of its files rather than what the data are and who
    # published them ("mirror data from a derived table", "the derived table's author", "six WGI dimensions")
    (re.compile(r"\bderived tables?\b|\btable's author\b|\bauthor-aggregated\b|\bWGI dimensions?\b|\(mirror data\)",
                re.IGNORECASE), "data-handling jargon (say what the data are and who published them)"),
]
_GRAMMAR = [
    (re.compile(r"\bas (?:more |less )?\w+ than\b"), "'as … than'"),
]


def prose_problems(text: str) -> list[str]:
    """Slips in reader text: each as ``kind: 'the words'``."""
    found: list[str] = []
    for match in _WRONG_PLURAL.finditer(text):
        word = match.group(1)
        if word.endswith("ss") or word in {"this", "gas", "its", "has", "was", "is"}:
            continue
        found.append(f"wrong plural: {match.group(0)!r}")
    for match in _DOUBLED_STOP.finditer(text):
        found.append(f"doubled full stop: {text[max(0, match.start() - 20):match.end()]!r}")
    for pattern, kind in _JARGON + _GRAMMAR:
        for match in pattern.finditer(text):
            found.append(f"{kind}: {match.group(0)!r}")
    return found


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
#: words that name a unit or the scale of a number
_UNIT = re.compile(
    r"%|\bper ?cent\b|\btonnes?\b|\bkg\b|\bUSD\b|US dollars|\bdollars\b|\bshare\b|\bshares\b|0–1\b|"
    r"\bindex\b|\bHHI\b|dimensionless|\bratio\b|\bcount\b|\bnumber of\b|\bevents?\b|\brank\b|\bmonths?\b|\bscale\b|\bt\b",
    re.IGNORECASE,
)


def _subtitle(spec: dict) -> str:
    meta = ((spec.get("usermeta") or {}).get("econsec") or {})
    title = spec.get("title")
    subtitle = meta.get("subtitle") or (title.get("subtitle") if isinstance(title, dict) else "") or ""
    if isinstance(subtitle, list):
        subtitle = " ".join(map(str, subtitle))
    return squash(str(subtitle))


def chart_label_problems(spec: dict) -> list[str]:
    """A chart whose title + subtitle give no year, or no unit, is not citable on its own."""
    title, subtitle = spec_title(spec), _subtitle(spec)
    both = f"{title} {subtitle}"
    problems = []
    if not _YEAR.search(both):
        problems.append(f"no year in title/subtitle: {both!r}")
    if not _UNIT.search(both):
        problems.append(f"no unit in title/subtitle: {both!r}")
    return problems


def _walk(node, found: list[dict]) -> None:
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


_WHOLE_NUMBER_FORMATS = {".0f", ",.0f", "d", ",d", ".0s", "~d"}


def axis_tick_problems(spec: dict, *, narrow: float = 20.0) -> list[str]:
    """Quantitative axes that print whole numbers but may tick at fractions: "0 1 1 2 2 3 3" on a
    0–8 supply-risk axis ticked every 0.5. An axis with a whole-number ``format`` needs
    ``tickMinStep`` ≥ 1 unless its data span at least ``narrow`` units (where the ticks fall on
    whole numbers anyway). The span is read from the spec's inline data; a field not found there
    counts as narrow."""
    nodes: list[dict] = []
    _walk(spec, nodes)
    rows = [row for data in (spec.get("datasets") or {}).values() if isinstance(data, list) for row in data if isinstance(row, dict)]
    problems = []
    for node in nodes:
        encoding = node.get("encoding") if isinstance(node.get("encoding"), dict) else {}
        for channel in ("x", "y"):
            enc = encoding.get(channel)
            if not isinstance(enc, dict) or enc.get("type") != "quantitative" or not isinstance(enc.get("axis"), dict):
                continue
            axis = enc["axis"]
            if str(axis.get("format", "")) not in _WHOLE_NUMBER_FORMATS or float(axis.get("tickMinStep") or 0) >= 1:
                continue
            values = [float(r[enc.get("field")]) for r in rows if isinstance(r.get(enc.get("field")), (int, float))]
            span = (max(values) - min(min(values), 0.0)) if values else 0.0
            if span < narrow:
                problems.append(f"{spec_title(spec)!r}: {channel} axis of {enc.get('field')!r} prints whole numbers "
                                f"(format {axis['format']!r}) over a span of {span:g} without tickMinStep ≥ 1")
    return problems


def chart_words(spec: dict) -> str:
    """The words a chart prints besides its marks: title, subtitle, axis and legend titles, and the
    panel headers of a faceted chart (the values of its facet field), one per line."""
    nodes: list[dict] = []
    _walk(spec, nodes)
    words = [spec_title(spec), _subtitle(spec)]
    facet_fields = set()
    for node in nodes:
        for key in ("facet", "row", "column"):
            enc = node.get(key)
            if isinstance(enc, dict) and isinstance(enc.get("field"), str):
                facet_fields.add(enc["field"])
        if isinstance(node.get("title"), str):
            words.append(node["title"])
    for data in (spec.get("datasets") or {}).values():
        for row in data if isinstance(data, list) else []:
            words += [str(row[f]) for f in facet_fields if isinstance(row, dict) and isinstance(row.get(f), str)]
    return "\n".join(dict.fromkeys(squash(w) for w in words if w))


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
#: a word box is about 1.2 × the font size (ascent + descent)
_BOX_PER_POINT = 1.2


def small_pdf_words(pdf: Path, minimum_pt: float = 6.0) -> list[tuple[int, float, str]]:
    """(page, estimated point size, word) for words of 3+ characters printed below ``minimum_pt``.

    Rotated words (axis titles) are measured across, not along, their run.
    """
    run = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, f"pdftotext -bbox {pdf.name}: {run.stderr}"
    small = []
    for number, page in enumerate(run.stdout.split("<page ")[1:], start=1):
        for x0, y0, x1, y1, word in _WORD.findall(page):
            width, height = float(x1) - float(x0), float(y1) - float(y0)
            word = html.unescape(word)
            if sum(ch.isalnum() for ch in word) < 3:
                continue
            across = width if height > width else height  # a vertical run is a rotated word
            size = across / _BOX_PER_POINT
            if size < minimum_pt:
                small.append((number, round(size, 1), word))
    return small


def colour_mappings(spec: dict) -> list[tuple[str, str]]:
    """(colour, label) for every nominal colour scale in a Vega-Lite spec (``color``, ``fill`` and
    ``stroke`` encodings with a ``domain`` and a ``range`` list); a colour encoding with a range
    but no domain gives ``(colour, "<no domain>")``, since which label gets which colour then
    depends on the data order."""
    found: list[tuple[str, str]] = []

    def walk(node):
        if isinstance(node, dict):
            for channel in ("color", "fill", "stroke"):
                enc = (node.get("encoding") or {}).get(channel)
                scale = enc.get("scale") if isinstance(enc, dict) else None
                if isinstance(scale, dict) and isinstance(scale.get("range"), list):
                    if isinstance(scale.get("domain"), list):
                        found.extend((str(c).upper(), str(d)) for d, c in zip(scale["domain"], scale["range"]))
                    else:
                        found.extend((str(c).upper(), "<no domain>") for c in scale["range"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def entity_label(label: str) -> str:
    """The entity a legend label names: "China's share" and "China" are one; "Top 3 producers",
    "Top-3 share" and "Top 3" are one; "MSP partners" and "MSP"; "Other producers" and "Other
    exporters" and "Another country" (named countries other than China, India and Japan);
    "From China" and "China"; "From the rest of the world" and "Rest of world"."""
    text = label.strip().lower().replace("-", " ")
    text = re.sub(r"('s)? share$", "", text).strip()
    text = re.sub(r"^from (the )?", "", text).replace("rest of the world", "rest of world")
    text = re.sub(r"^another ", "other ", text)
    return re.sub(r" (producers?|exporters?|partners|country|countries)$", "", text)


def _hex(colour: str) -> bool:
    return bool(re.fullmatch(r"#[0-9A-F]{6}", colour))


def _lab(colour: str) -> tuple[float, float, float]:
    """sRGB hex → CIE L*a*b* (D65)."""
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in rgb]
    x, y, z = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
               (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _delta_e(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b))) ** 0.5


def colour_meaning_problems(specs: list[dict]) -> list[str]:
    """Within one report: a colour given to two entities, or one entity drawn in two colours."""
    by_colour: dict[str, set[str]] = {}
    by_label: dict[str, set[str]] = {}
    problems = []
    for spec in specs:
        title = spec_title(spec)
        for colour, label in colour_mappings(spec):
            if label == "<no domain>":
                problems.append(f"colour scale without a domain in {title!r}")
                continue
            by_colour.setdefault(colour, set()).add(entity_label(label))
            by_label.setdefault(entity_label(label), set()).add(colour)
    problems += [f"{colour} means {sorted(labels)}" for colour, labels in by_colour.items() if len(labels) > 1]
    # two meanings in colours a reader cannot tell apart (CIE76 ΔE below 15 is close to a same-colour match)
    meaning = {c: labels for c, labels in by_colour.items() if len(labels) == 1 and _hex(c)}
    for a, b in itertools.combinations(sorted(meaning), 2):
        if meaning[a] != meaning[b] and _delta_e(a, b) < 15:
            problems.append(f"{a} ({sorted(meaning[a])[0]}) and {b} ({sorted(meaning[b])[0]}) look alike (ΔE {_delta_e(a, b):.0f})")
    problems += [f"{label!r} drawn in {sorted(colours)}" for label, colours in by_label.items() if len(colours) > 1]
    return sorted(set(problems))
