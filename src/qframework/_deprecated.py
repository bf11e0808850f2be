"""Old names kept for one minor release after a rename, each use warned about.

The warning names the new spelling and the release that removes the old one, so a caller can fix
the call without reading the changelog. ``stacklevel`` points at the caller's line.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

#: The release that removes what is deprecated now.
REMOVED_IN = "0.4.0"

T = TypeVar("T", bound=type)
R = TypeVar("R")


def warn_renamed(old: str, new: str, *, since: str = "0.3.0", stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``."""
    warnings.warn(
        f"{old} is deprecated since {since} and will be removed in {REMOVED_IN}; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def renamed_arguments(**renames: str) -> Callable[[T], T]:
    """Class decorator: the (attrs-made) ``__init__`` also takes each old keyword, with a warning.

    ``@renamed_arguments(framework_id="framework")`` keeps ``Assessment(framework_id=…)`` working
    for one release. Giving both spellings is a :class:`TypeError`, as a duplicate argument is.
    """

    def decorate(cls: T) -> T:
        init: Callable[..., None] = cls.__init__  # type: ignore[misc]

        @functools.wraps(init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            if kwargs:
                for old, new in renames.items():
                    if old in kwargs:
                        if new in kwargs:
                            raise TypeError(f"{cls.__name__}() got both {old!r} (its deprecated name) and {new!r}")
                        warn_renamed(f"{cls.__name__}({old}=…)", f"{new}=…")
                        kwargs[new] = kwargs.pop(old)
            init(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[misc]
        return cls

    return decorate


def positional_registry(function: str, first: str, positional: tuple[R, ...], registry: R | None) -> R | None:
    """The registry of ``function(first, registry)``, the positional form deprecated since 0.3.0: warned
    about (at the caller of ``function``), then used unless ``registry=`` was given as well."""
    if not positional:
        return registry
    if len(positional) > 1:
        raise TypeError(f"{function}() takes 1 positional argument but {1 + len(positional)} were given")
    warn_renamed(f"{function}({first}, registry)", f"{function}({first}, registry=registry)", stacklevel=4)
    return positional[0] if registry is None else registry
