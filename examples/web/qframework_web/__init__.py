"""qframework web: self-assessments in the browser over qframework's domain layer (an example application)."""

from .app import create_app

__all__ = ["create_app"]
