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
