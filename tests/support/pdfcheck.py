"""What a report's PDF must hold, read from its HTML twin, and what poppler finds in the PDF.

The HTML page is the reference: its ``<h1>`` (the title the reader sees), its ``<title>`` (the
publication title, which must be the PDF's Title), its section headings, each chart spec's
title and the sources section. ``pdftotext`` gives the PDF's text and ``pdftoppm`` its pages.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

FOOTER = re.compile(r"^Page \d+ of \d+$")


def squash(text: str) -> str:
    """Compatibility-normalised text with single spaces (ligatures, wrapped lines, nbsp)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Outline:
    title: str = ""
    h1: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # h2 and h3, in order
    captions: list[str] = field(default_factory=list)
    chart_titles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the bold title of each source entry


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.outline = Outline()
        self._capture: str | None = None
        self._buffer: list[str] = []
        self._skip = 0
        self._in_sources = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "anchor-link" in (attrs.get("class") or ""):
            self._skip += 1
        if tag == "script" and "econsec-chart-spec" in (attrs.get("class") or "").split():
            self._capture, self._buffer = "spec", []
        elif tag in ("title", "h1", "h2", "h3", "caption") or (tag == "strong" and self._in_sources):
            self._capture, self._buffer = tag, []

    def handle_endtag(self, tag):
        if tag == "a" and self._skip:
            self._skip -= 1
        if tag == "script" and self._capture == "spec":
            self._capture = None
            self.outline.chart_titles.append(spec_title(json.loads("".join(self._buffer))))
            return
        if tag != self._capture:
            return
        text = squash("".join(self._buffer))
        self._capture = None
        out = self.outline
        if tag == "title":
            out.title = text
        elif tag == "h1":
            out.h1.append(text)
        elif tag in ("h2", "h3"):
            out.headings.append(text)
            self._in_sources = tag == "h2" and text == "Sources" or (self._in_sources and tag == "h3")
        elif tag == "caption":
            out.captions.append(text)
        elif tag == "strong":
            out.sources.append(text)

    def handle_data(self, data):
        if self._capture and not self._skip:
            self._buffer.append(data)


def spec_title(spec: dict) -> str:
    """The chart's title as the house charts record it (``usermeta.econsec.title``, as
    :attr:`analysis.engine.vega.Chart.title` reads it), else the spec's own title."""
    title = ((spec.get("usermeta") or {}).get("econsec") or {}).get("title") or spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return squash(str(title or ""))


def outline(html_path: Path) -> Outline:
    page = html_path.read_text(encoding="utf-8")
    parser = _Parser()
    parser.feed(page)
    return parser.outline


# ----------------------------------------------------------------------------- poppler


@dataclass
class PdfFacts:
    info: dict[str, str]
    pages: list[str]  # text per page (pdftotext, reading order)
    warnings: str  # what poppler printed on stderr (syntax errors in the file)
    ink: list[float]  # per page: share of body pixels (margins cut) that are not background, in %

    @property
    def text(self) -> str:
        return squash(" ".join(self.pages))


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def pdf_facts(pdf: Path, *, dpi: int = 40, margin: float = 0.07) -> PdfFacts:
    info_run = _run(["pdfinfo", str(pdf)])
    assert info_run.returncode == 0, f"pdfinfo {pdf.name}: {info_run.stderr}"
    info = {}
    for line in info_run.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    text_run = _run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"])
    assert text_run.returncode == 0, f"pdftotext {pdf.name}: {text_run.stderr}"
    pages = text_run.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    with tempfile.TemporaryDirectory() as folder:
        image_run = _run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{folder}/page"])
        assert image_run.returncode == 0, f"pdftoppm {pdf.name}: {image_run.stderr}"
        ink = []
        for image_path in sorted(Path(folder).glob("page-*.pgm"), key=lambda p: int(p.stem.split("-")[-1])):
            with Image.open(image_path) as image:
                width, height = image.size
                body = image.crop((0, int(height * margin), width, int(height * (1 - margin))))
                background = max(range(256), key=body.histogram().__getitem__)
                histogram = body.histogram()
                off = sum(count for value, count in enumerate(histogram) if abs(value - background) > 10)
                ink.append(100.0 * off / (body.size[0] * body.size[1]))
    warnings = "\n".join(s for s in (text_run.stderr.strip(), image_run.stderr.strip()) if s)
    return PdfFacts(info=info, pages=pages, warnings=warnings, ink=ink)


def running_head(pages: list[str]) -> set[str]:
    """Lines every page after the first starts with (the running title and group)."""
    heads = []
    for page in pages[1:]:
        lines = [squash(line).casefold() for line in page.splitlines() if line.strip()]
        heads.append(set(lines[:2]))
    return set.intersection(*heads) if heads else set()


def body_lines(page_text: str, running: set[str]) -> list[str]:
    """A page's text lines without the running head and the page-number footer."""
    lines = [squash(line) for line in page_text.splitlines()]
    return [line for line in lines if line and line.casefold() not in running and not FOOTER.match(line)]


# ----------------------------------------------------------------------------- page layout

#: A page under both of these (running head and page number left out) holds a footer line, a
#: heading with its paragraph or a table row — not content worth a page. Whole report pages hold
#: 100+ words or 4 %+ ink (a chart); the near-empty ones the reader review found held 56–70 words
#: at 1.9–2.3 % ink.
MIN_BODY_WORDS = 80
MIN_INK_PERCENT = 3.0
#: A heading whose block (paragraph, chart, table) starts on the next page ends its page within
#: this many body lines: the heading itself (one or two lines) and an introductory sentence; a
#: paragraph split after a heading leaves at least three lines (``orphans: 3``) below it.
STRANDED_TAIL_LINES = 3


def near_empty_pages(facts: PdfFacts) -> list[str]:
    """Pages, the last one included, with fewer than :data:`MIN_BODY_WORDS` words of body text
    and under :data:`MIN_INK_PERCENT` ink."""
    running = running_head(facts.pages)
    found = []
    for number, (page, ink) in enumerate(zip(facts.pages, facts.ink), start=1):
        words = sum(len(line.split()) for line in body_lines(page, running))
        if words < MIN_BODY_WORDS and ink < MIN_INK_PERCENT:
            found.append(f"page {number}: {words} words, {ink:.1f}% ink")
    return found


#: Text boxes this tall (pt) or taller are headings: body text (9.5 pt) gives about 10.6, an
#: ``h3`` (11 pt) about 12.3, an ``h2`` (13 pt) about 14.5.
HEADING_BOX_PT = 11.5
_LINE = re.compile(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', re.S)
_WORD_TEXT = re.compile(r"<word [^>]*>([^<]*)</word>")


def page_lines(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, its text lines as ``(top, box height, text)``, top to bottom (``pdftotext -bbox-layout``)."""
    import html as html_module

    run = _run(["pdftotext", "-bbox-layout", str(pdf), "-"])
    assert run.returncode == 0, f"pdftotext -bbox-layout {pdf.name}: {run.stderr}"
    pages = []
    for page in run.stdout.split("<page ")[1:]:
        lines = []
        for top, bottom, words in _LINE.findall(page):
            text = squash(html_module.unescape(" ".join(_WORD_TEXT.findall(words))))
            if text:
                lines.append((float(top), float(bottom) - float(top), text))
        pages.append(sorted(lines, key=lambda line: line[0]))
    return pages


def _is_heading(line: tuple[float, float, str], wanted: set[str]) -> bool:
    _, height, text = line
    return height >= HEADING_BOX_PT and any(h == text or h.startswith(text + " ") for h in wanted)


def stranded_headings(pdf: Path, facts: PdfFacts, headings: list[str], captions: list[str] = ()) -> list[str]:
    """Pages but the last that end in a heading: one of ``headings``, set in heading type, among
    the page's last :data:`STRANDED_TAIL_LINES` body lines while its section runs on into the next
    page (which does not open with a heading) — a heading, maybe with an introductory sentence,
    whose block starts the next page. Also pages whose last line ends a table ``caption``."""
    running = running_head(facts.pages)
    wanted = {squash(h) for h in headings if squash(h)}
    pages = [[line for line in lines if line[2].casefold() not in running and not FOOTER.match(line[2])]
             for lines in page_lines(pdf)]
    found = []
    for number, (body, following) in enumerate(zip(pages, pages[1:]), start=1):
        section_goes_on = bool(following) and not _is_heading(following[0], wanted)
        hits = [text for top, height, text in body[-STRANDED_TAIL_LINES:] if _is_heading((top, height, text), wanted)]
        if hits and section_goes_on:
            found.append(f"page {number}: heading {hits[0]!r} in its last {STRANDED_TAIL_LINES} lines, its section goes on overleaf")
        tail = " ".join(text for _, _, text in body[-2:])
        found += [f"page {number}: caption {c!r} ends the page" for c in captions if c and tail.endswith(squash(c))]
    return found
