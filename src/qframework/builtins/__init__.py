"""qframework's own plugins: registered through the same hooks as any installed plugin."""
