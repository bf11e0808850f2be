"""argparse's own words (``usage:``, ``options``, its error messages) through qframework's catalogue.

argparse words its help and errors with :func:`gettext.gettext` in its own domain, for which no
German catalogue is installed on most systems: ``--lang de --help`` would print ``usage:`` and
``options`` around German help texts. :func:`install` routes argparse's lookups through the
``qframework`` catalogue first (in the active language, :func:`qframework.i18n.language`) and
falls back to argparse's own lookup for anything the catalogue does not have. English is untouched.
"""

from __future__ import annotations

import argparse

from ..i18n import N_, active_language, ngettext, translation

__all__ = ["MESSAGES", "install"]

#: The argparse messages a user of the command line sees (Python 3.11–3.13 wording).
MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _plural_messages(n: int) -> str:  # pragma: no cover - never called: marks argparse's plural for the catalogue
    return ngettext("expected %s argument", "expected %s arguments", n)


def install() -> None:
    """Route argparse's message lookups through the catalogue (once per process; idempotent)."""
    if getattr(argparse, "_qframework_words", False):
        return
    own_gettext = argparse._  # type: ignore[attr-defined]
    own_ngettext = argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        lang = active_language()
        if lang != "en":
            text = translation(lang).gettext(message)
            if text != message:
                return text
        return str(own_gettext(message))

    def ngettext(singular: str, plural: str, n: int) -> str:
        lang = active_language()
        if lang != "en":
            text = translation(lang).ngettext(singular, plural, n)
            if text not in (singular, plural):
                return text
        return str(own_ngettext(singular, plural, n))

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    argparse._qframework_words = True  # type: ignore[attr-defined]
