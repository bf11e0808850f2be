"""Reports for people, rendered from plain-data results: :mod:`qframework.report.text` for the command line,
:mod:`qframework.report.render` (``render_report``) for HTML and Markdown with inline SVG charts."""
