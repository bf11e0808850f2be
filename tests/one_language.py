"""Does an output speak one language? The check every output test calls (CLI, reports, templates, web pages).

``language_problems(text, lang, content=…)`` returns what is wrong with ``text`` as output in
``lang``; ``assert_one_language`` fails listing it. Import it from any test (``tests`` is on the
path: ``from one_language import assert_one_language``; the web tool's tests add
``<repo>/tests`` to ``sys.path``).

What counts as wrong:

- **the other language's words.** The word lists come from both sides of the shipped catalogue:
  a word that occurs only in the message ids (never in a German translation) is English, one that
  occurs only in the translations is German (:func:`catalogue_words`), plus a short curated list
  of each language's words the catalogue happens not to single out (``CURATED``);
- **raw provenance kinds** (``[authored: …]``, ``| paraphrased |``): a kind is shown by its label;
- **German that GERMAN.md rules out** (du/dein, "selbst formuliert", "pro Teilnehmendem", …);
- **decimal points in German numbers** (``0.56``; a German number has a comma);
- **an id shown without its title** (``ids``: id → titles; a line naming the id must name a title).

Content a plugin supplies in one language only (framework titles, indicator texts, topic titles,
names) is allowed: pass it as ``content`` and it is taken out before the checks, so whatever
remains is what qframework itself worded. Ids, file names and versions are data: pass them too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

__all__ = [
    "CURATED",
    "assert_one_language",
    "catalogue_words",
    "language_problems",
    "visible_text",
]

PROVENANCE_KINDS = ("quoted", "paraphrased", "inferred", "authored")

#: Words of each language that must not appear in the other's output, beyond the catalogue's own.
CURATED: Mapping[str, frozenset[str]] = {
    "en": frozenset({"the", "and", "with", "without", "not", "usage", "options", "error", "which", "from"}),
    "de": frozenset({"und", "mit", "ohne", "nicht", "der", "die", "das", "Aufruf", "Optionen", "Fehler"}),
}

#: German wording GERMAN.md rules out (a regular expression each, matched case-sensitively).
GERMAN_AVOID: tuple[tuple[str, str], ...] = (
    (r"(?<!\w)(du|dich|dir)(?!\w)", "du/dich/dir: address readers with Sie"),
    (r"(?<!\w)(dein|deine|deinen|deinem|deiner)(?!\w)", "dein: address readers with Sie (Ihr)"),
    (r"selbst formuliert", "'selbst formuliert': the label is 'vom Plugin formuliert (keine Quelle)'"),
    (r"pro Teilnehmend", "'pro Teilnehmendem': write 'je Kommune'"),
    (r"Träger(?! der öffentlichen Jugendhilfe)", "'Träger' for an organiser: write 'durchführende Stelle'"),
    (r"Teilnahme \S+", "'Teilnahme <id>': a participant is not a Teilnahme"),
    (r"\w+:in(nen)?\b|\w+\*in|\w+_in\b", "gender colon, star or underscore: use neutral or pair forms"),
)

_WORD = re.compile(r"[\w'-]+")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]|%[sdr]")
_NUMBER_WITH_POINT = re.compile(r"(?<![\w.,])\d+\.\d+(?![\w.])")


def _letters(word: str) -> bool:
    return len(word) >= 3 and word.isalpha()


@cache
def catalogue_words() -> Mapping[str, frozenset[str]]:
    """The words only one side of the shipped catalogue uses: ``{"en": …, "de": …}`` (case-folded)."""
    from babel.messages.pofile import read_po

    import qframework.i18n

    po = Path(qframework.i18n.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "qframework.po"
    with po.open("rb") as fh:
        catalogue = read_po(fh, locale="de")
    sides: dict[str, set[str]] = {"en": set(), "de": set()}
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for side, texts in (("en", ids), ("de", strings)):
            for text in texts:
                words = _WORD.findall(_PLACEHOLDER.sub(" ", text or ""))
                sides[side].update(w.casefold() for w in words if _letters(w))
    english = sides["en"] - sides["de"]
    german = sides["de"] - sides["en"]
    return {
        "en": frozenset(english | {w.casefold() for w in CURATED["en"]}),
        "de": frozenset(german | {w.casefold() for w in CURATED["de"]}),
    }


_BLOCK = re.compile(
    r"</?(p|div|li|tr|td|th|h[1-6]|ul|ol|table|section|header|footer|figcaption|title|tspan|text|br)\b[^>]*>"
)


def visible_text(page: str) -> str:
    """An HTML page's (or SVG's) text as a reader sees it: no tags, styles or scripts; one line per block."""
    page = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = _BLOCK.sub("\n", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def _without(text: str, content: Iterable[str]) -> str:
    """``text`` without the content snippets, also where a snippet was wrapped across lines."""
    for snippet in sorted({c.strip() for c in content if c and len(c.strip()) > 1}, key=len, reverse=True):
        words = snippet.split()
        if len(words) > 1 and words[0] in text:
            pattern = r"\s+(?:#\s*)?".join(map(re.escape, words))  # a wrapped comment line starts with "#"
            text = re.sub(pattern, lambda m: "\n" * m.group(0).count("\n") + " ", text)
        else:
            text = text.replace(snippet, " ")
    return text


def language_problems(
    text: str,
    lang: str,
    *,
    content: Iterable[str] = (),
    ids: Mapping[str, Iterable[str]] | None = None,
    exempt: Iterable[str] = (),
) -> list[str]:
    """Everything in ``text`` that is not ``lang`` as GERMAN.md and the catalogue want it (empty: fine).

    ``content``: texts a plugin or a user supplied (and ids, file names, versions), taken out first.
    ``ids``: id → its titles (any language); a line that shows the id must show one of them.
    ``exempt``: text another part of the work still words (taken out before every check; say why).
    """
    from qframework.i18n import PROVENANCE_LABELS, translation

    problems: list[str] = []
    content = list(content)
    text = _without(text, exempt)
    if ids:
        for line in text.splitlines():
            for ident, titles in ids.items():
                if re.search(rf"(?<![\w=/-]){re.escape(ident)}(?![\w=/-])", line) and not any(
                    t and t in line for t in titles
                ):
                    problems.append(f"id {ident!r} shown without its title: {line.strip()[:160]!r}")
    labels = {translation(lg).gettext(m) for m in PROVENANCE_LABELS.values() for lg in ("en", "de")}
    own = _without(text, [*content, *labels])
    other = "de" if lang == "en" else "en"
    foreign = catalogue_words()[other]
    for line in own.splitlines():
        words = {w for w in _WORD.findall(line) if _letters(w) and w.casefold() in foreign}
        if words:
            problems.append(f"{other} words {sorted(words)} in {lang} output: {line.strip()[:160]!r}")
        for kind in PROVENANCE_KINDS:
            if re.search(rf"(?<![\w-]){kind}(?![\w-])", line) and (
                lang == "de" or re.search(rf"([\[(|>:]\s*{kind}|{kind}\s*[\]:|)<;,]|{kind}\s*$)", line)
            ):
                problems.append(f"raw provenance kind {kind!r}: {line.strip()[:160]!r}")
        if lang == "de":
            for pattern, why in GERMAN_AVOID:
                if re.search(pattern, line):
                    problems.append(f"{why}: {line.strip()[:160]!r}")
            for number in _NUMBER_WITH_POINT.findall(line):
                problems.append(f"decimal point in German number {number}: {line.strip()[:160]!r}")
    return problems


def assert_one_language(
    text: str,
    lang: str,
    *,
    content: Iterable[str] = (),
    ids: Mapping[str, Iterable[str]] | None = None,
    exempt: Iterable[str] = (),
    where: str = "",
) -> None:
    """Fail, listing every problem :func:`language_problems` finds in ``text`` as ``lang`` output."""
    problems = language_problems(text, lang, content=content, ids=ids, exempt=exempt)
    assert not problems, f"{where}: " + "\n".join(dict.fromkeys(problems))
