"""Human-readable output: every text a command prints is rendered here, from plain-data results."""
