"""Plain-text reports (:mod:`qframework.report.text`): rendering of result values for people."""
