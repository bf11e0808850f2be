"""Reports for people, rendered from plain-data results: :mod:`qframework.report.text` for the command line."""
