"""qframework plugin: My Land's quality standards, shipped as data."""

from collections.abc import Callable
from importlib.resources import files

from qframework import Framework, hookimpl, load_framework

DATA = files(__name__) / "data"


@hookimpl
def qframework_frameworks(register: Callable[[Framework], None]) -> None:
    """My Land's quality standards."""
    register(load_framework(DATA / "my-framework.toml"))
