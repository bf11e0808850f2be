"""One language per output: the CLI's and the text reports' labels in German or English.

Messages are written in English in the source and translated through the standard :mod:`gettext`
machinery, with message catalogues shipped in the package (``qframework/locale/<lang>/LC_MESSAGES/
qframework.mo``), so a third language is a catalogue, not a code change. Framework *content*
(titles, descriptions) is not translated here: it comes from the framework's own ``translations``.

The language is chosen as command-line tools choose it: an explicit ``--lang``, else the first
of ``LANGUAGE`` (a colon-separated list), ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that names a
language qframework has a catalogue for, else English.

Catalogue maintenance (needs Babel, in the ``dev`` extra)::

    python -m qframework.i18n extract   # source strings -> locale/qframework.pot, merged into every .po
    python -m qframework.i18n compile   # every .po -> .mo (the .mo files are committed)
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "active_language",
    "detect_language",
    "format_date",
    "format_number",
    "format_percent",
    "gettext_",
    "language",
    "ngettext",
    "pick",
    "provenance_label",
    "translation",
]

DOMAIN = "qframework"
#: The languages qframework has labels in; English is the source language of the messages.
LANGUAGES: tuple[str, ...] = ("en", "de")
# os.path, not pathlib: this module is on the start-up path of every command.
_LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
_ENV_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_cache: dict[str, gettext.NullTranslations] = {}
_current: ContextVar[str] = ContextVar("qframework_language", default="en")


def _normalise(value: str) -> str | None:
    """``de_DE.UTF-8`` → ``de``; ``C``/``POSIX``/empty → None."""
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code and code not in ("c", "posix") else None


def detect_language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to print in: ``explicit`` if given, else the locale environment, else English.

    An explicit language qframework has no catalogue for raises :class:`ValueError` (the CLI turns it
    into a usage error); a locale naming an unknown language is skipped, as gettext does.
    """
    if explicit is not None:
        code = _normalise(explicit)
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {explicit!r} (known: {', '.join(LANGUAGES)})")
        return code
    env = os.environ if environ is None else environ
    for var in _ENV_VARS:
        raw = env.get(var, "")
        if not raw:
            continue
        for part in raw.split(":") if var == "LANGUAGE" else [raw]:
            code = _normalise(part)
            if code in LANGUAGES:
                return code
        if var != "LANGUAGE":
            # LC_ALL overrides LC_MESSAGES overrides LANG: the first one that is set decides.
            break
    return "en"


def translation(lang: str) -> gettext.NullTranslations:
    """The message catalogue for ``lang`` (English: the identity)."""
    if lang not in _cache:
        if lang == "en":
            _cache[lang] = gettext.NullTranslations()
        else:
            _cache[lang] = gettext.translation(DOMAIN, localedir=_LOCALE_DIR, languages=[lang], fallback=True)
    return _cache[lang]


def active_language() -> str:
    """The language messages are rendered in right now (``en`` unless :func:`language` set another)."""
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Render messages in ``lang`` inside the ``with`` block (per thread and task, via a ContextVar)."""
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def gettext_(message: str) -> str:
    """``message`` in the active language."""
    return translation(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the active language: ``1 Thema``, ``2 Themen``."""
    return translation(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (a label table, argparse's words)."""
    return message


def pick(texts: Mapping[str, str], default: str) -> str:
    """Framework content in the active language where a translation exists, else the source text."""
    return texts.get(_current.get(), default)


#: The provenance kinds' labels (they stop a reader taking our words for the publisher's); never show a raw kind.
PROVENANCE_LABELS: Mapping[str, str] = {
    "quoted": N_("quoted from the source"),
    "paraphrased": N_("paraphrased from the source"),
    "inferred": N_("inferred (the plugin's reading)"),
    "authored": N_("written by the plugin (no source)"),
    "missing": N_("no provenance given"),
}


def provenance_label(kind: str, lang: str | None = None) -> str:
    """A provenance kind's label in ``lang`` (default: the active one): ``vom Plugin formuliert (keine Quelle)``."""
    message = PROVENANCE_LABELS.get(kind)
    if message is None:
        return kind
    return translation(lang or _current.get()).gettext(message)


# -- numbers and dates (Babel, imported on the first number: the CLI's start-up does not pay for it) --

#: The Babel locale of each language (German numbers and dates as in Germany: 0,56 · 55 % · 27.02.2019).
_BABEL_LOCALES = {"de": "de_DE", "en": "en"}


def _babel_locale(lang: str | None) -> str:
    code = lang or _current.get()
    return _BABEL_LOCALES.get(code, code)


def format_number(value: float | int, digits: int | None = 2, *, sign: bool = False, lang: str | None = None) -> str:
    """``value`` with ``digits`` decimals in ``lang`` (default: the active language): ``0,56`` in German.

    ``digits=None`` writes as many decimals as the value needs, up to three (a weight: ``0,5``);
    ``sign=True`` writes a plus sign before positive values (a change: ``+0,12``).
    """
    from babel.numbers import format_decimal

    decimals = "###" if digits is None else "0" * digits
    pattern = f"#,##0.{decimals}" if decimals else "#,##0"
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return str(format_decimal(value, format=pattern, locale=_babel_locale(lang), decimal_quantization=True))


def format_percent(share: float, digits: int = 0, *, lang: str | None = None) -> str:
    """A share 0..1 as a percentage in ``lang``: ``55 %`` in German, ``55%`` in English."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    locale = Locale.parse(_babel_locale(lang))
    pattern = str(locale.percent_formats[None].pattern)  # "#,##0 %" in German, "#,##0%" in English
    if digits > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return str(babel_percent(share, format=pattern, locale=locale, decimal_quantization=True)).replace("\u00a0", " ")


def format_date(value: object, *, lang: str | None = None) -> str:
    """A date (``datetime.date`` or an ISO ``yyyy-mm-dd`` string) in ``lang``: ``27.02.2019`` in German.

    Anything that is not a date (a period such as ``2019–2021``) is returned as it is.
    """
    import datetime

    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if not isinstance(value, datetime.date):
        return str(value)
    from babel.dates import format_date as babel_date

    locale = _babel_locale(lang)
    return str(babel_date(value, format="dd.MM.yyyy" if locale.startswith("de") else "medium", locale=locale))


# -- catalogue maintenance (Babel; development only) ---------------------------------------------


#: The gettext keywords of the Python sources (``N_`` marks a message translated later).
KEYWORDS = {"_": None, "gettext_": None, "ngettext": (1, 2), "N_": None, "gettext": None}
#: Jinja2 templates whose ``{{ _("…") }}`` and ``{% trans %}`` land in the same catalogue: the report
#: templates and the example web tool's pages (``examples/web``, when the source tree is at hand).
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "true"}


def _messages(root: Any) -> Iterator[tuple[str, int, Any, list[str], Any]]:
    """Every message of the package's Python sources and Jinja2 templates, and of the web tool's templates."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir

    root = Path(root)
    yield from extract_from_dir(
        str(root),
        method_map=[("**.py", "python"), ("report/templates/**", "jinja2.ext:babel_extract")],
        options_map={"report/templates/**": _JINJA_OPTIONS},
        keywords=KEYWORDS,
    )
    web = root.parent.parent / "examples" / "web" / "qframework_web"
    if web.is_dir():
        for filename, *rest in extract_from_dir(
            str(web),
            method_map=[("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")],
            options_map={"templates/**.html": _JINJA_OPTIONS},
            keywords=KEYWORDS,
        ):
            yield ("../../examples/web/qframework_web/" + filename, *rest)  # type: ignore[misc]


def _extract() -> None:  # pragma: no cover - a maintainer's command, exercised by test_i18n
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    root = Path(__file__).parent
    locale_dir = Path(_LOCALE_DIR)
    template = Catalog(project="qframework", domain=DOMAIN)
    for filename, lineno, message, comments, _context in _messages(root):
        template.add(message, locations=[(filename, lineno)], auto_comments=comments)
    locale_dir.mkdir(exist_ok=True)
    with (locale_dir / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, omit_header=False, sort_output=True)
    for lang in LANGUAGES:
        if lang == "en":
            continue
        po_path = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="qframework")
            catalog.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as fh:
            write_po(fh, catalog, sort_output=True, ignore_obsolete=True, width=100)


def compiled(lang: str) -> bytes:  # pragma: no cover - exercised by test_i18n
    """The ``.mo`` bytes compiled from ``lang``'s ``.po`` (development only: needs Babel)."""
    import io
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po_path = Path(_LOCALE_DIR) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _compile() -> None:  # pragma: no cover - a maintainer's command
    from pathlib import Path

    for lang in LANGUAGES:
        if lang != "en":
            (Path(_LOCALE_DIR) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").write_bytes(compiled(lang))


if __name__ == "__main__":  # pragma: no cover
    import sys

    commands = {"extract": _extract, "compile": _compile}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: python -m qframework.i18n extract|compile")
    commands[sys.argv[1]]()
