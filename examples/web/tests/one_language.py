"""Does a page speak one language? A small checker over qframework's German catalogue.

A word of the *other* language is one that occurs only in the catalogue's English msgids (shown on
a German page) or only in its German msgstrs (shown on an English page). Text marked as not to be
judged is skipped: elements with ``translate="no"`` (ids, versions, paths: data, not words) and
elements whose ``lang`` differs from the page's (content a plugin gives in one language only, which
the page marks as such). Written so that a shared helper (tests/test_one_language.py) can replace
it: :func:`other_language_words`, :func:`raw_provenance_kinds` and :func:`decimal_points` take the
HTML and the page's language and return what is wrong.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from qframework import i18n

PO = Path(i18n.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "qframework.po"
PROVENANCE_KINDS = ("quoted", "paraphrased", "inferred", "authored")
_WORD = re.compile(r"[^\W\d_]{3,}")
#: A number with a decimal point (not a date like 29.08.2018, not a German thousands group like 1.000).
_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.(?:\d{1,2}|\d{4,})(?![\w.])")
#: Words of both languages (German content that an English msgid also uses, and the other way round).
BOTH_LANGUAGES = frozenset({"person", "personal", "standards", "start", "administration"})
#: German terms kept as written in English text (GERMAN.md), removed before the words are looked at.
TERMS = ("das Mehr",)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(re.sub(r"%\(\w+\)s|\{\w+\}", " ", text))}


@cache
def catalogue_words() -> tuple[frozenset[str], frozenset[str]]:
    """``(english_only, german_only)``: words only in the msgids, and words only in the translations."""
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        catalogue = read_po(fh, locale="de")
    english: set[str] = set()
    german: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= _words(text)
        for text in strings:
            german |= _words(text)
    return frozenset(english - german), frozenset(german - english)


class _Text(HTMLParser):
    """The text a reader sees (and the labels a screen reader reads), minus what is marked as not to be judged."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.parts: list[str] = []

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            return
        skipped = (
            self._skipped()
            or tag in ("script", "style")
            or a.get("translate") == "no"
            or (a.get("lang") not in (None, self.lang))
        )
        if not skipped:
            self.parts += [str(a[k]) for k in ("title", "aria-label", "placeholder", "alt") if a.get(k)]
        if tag not in _VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipped():
            self.parts.append(data)


def visible_text(html: str, lang: str) -> list[str]:
    """The page's text nodes and readable attributes in ``lang``, in document order."""
    parser = _Text(lang)
    parser.feed(html)
    parser.close()
    return [p.strip() for p in parser.parts if p.strip()]


def other_language_words(html: str, lang: str) -> list[str]:
    """Words of the other language on a page in ``lang`` (``de`` or ``en``)."""
    english_only, german_only = catalogue_words()
    foreign = english_only if lang == "de" else german_only
    found = set()
    for part in visible_text(html, lang):
        for term in TERMS:
            part = part.replace(term, " ")
        found |= {w for w in _words(part) if w in foreign and w not in BOTH_LANGUAGES}
    return sorted(found)


def raw_provenance_kinds(html: str, lang: str) -> list[str]:
    """Provenance kinds shown raw: a text that is only a kind, or (in German) any kind at all."""
    found = set()
    for part in visible_text(html, lang):
        if part.strip("[]() ").lower() in PROVENANCE_KINDS:
            found.add(part)
        if lang == "de":
            found |= {w for w in _words(part) if w in PROVENANCE_KINDS}
    return sorted(found)


def decimal_points(html: str, lang: str, versions: tuple[str, ...] = ()) -> list[str]:
    """Numbers written with a decimal point on a German page (none are looked for in English).

    ``versions`` are version names that content may carry in its titles ("Qualitätsrahmen Frühe Hilfen
    2.0"): names, not numbers.
    """
    if lang != "de":
        return []
    found = {m for part in visible_text(html, lang) for m in _DECIMAL_POINT.findall(part)}
    return sorted(found - set(versions))
