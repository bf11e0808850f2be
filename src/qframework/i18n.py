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

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "active_language",
    "detect_language",
    "format_number",
    "format_percent",
    "gettext_",
    "language",
    "ngettext",
    "pick",
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


def pick(texts: Mapping[str, str], default: str) -> str:
    """Framework content in the active language where a translation exists, else the source text."""
    return texts.get(_current.get(), default)


def format_number(value: float, digits: int = 2) -> str:
    """``value`` as the active language writes a number: ``2,5`` in German, ``2.5`` in English.

    At most ``digits`` decimals, trailing zeros dropped; whole numbers without decimals. Babel's
    CLDR data decides the separators (imported on first use: the CLI's start-up does not pay for it).
    """
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_current.get()))


def format_percent(value: float, digits: int = 1) -> str:
    """A share as the active language writes a percentage: ``12,5 %`` in German, ``12.5%`` in English."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    lang = _current.get()
    # the language's own pattern (German: "#,##0\u00a0%"), with up to ``digits`` decimals
    pattern = Locale.parse(lang).percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("0", "0." + "#" * digits, 1) if "." not in pattern else pattern
    return str(babel_percent(value, format=pattern, locale=lang))


# -- catalogue maintenance (Babel; development only) ---------------------------------------------


def _extract() -> None:  # pragma: no cover - a maintainer's command, exercised by test_i18n
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po, write_po

    root = Path(__file__).parent
    locale_dir = Path(_LOCALE_DIR)
    template = Catalog(project="qframework", domain=DOMAIN)
    keywords = {"_": None, "gettext_": None, "N_": None, "ngettext": (1, 2)}
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords=keywords
    ):
        template.add(message, locations=[(filename, lineno)], auto_comments=comments)
    # The example web tool's templates and app (a source checkout only): the same catalogue.
    web = root.parents[1] / "examples" / "web" / "qframework_web"
    if web.is_dir():
        web_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
        web_options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
        for filename, lineno, message, comments, _context in extract_from_dir(
            str(web), method_map=web_map, options_map=web_options, keywords={**keywords, "gettext": None}
        ):
            location = (f"examples/web/qframework_web/{filename}", lineno)
            template.add(message, locations=[location], auto_comments=comments)
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
