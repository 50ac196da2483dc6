"""Qt desktop tools (scout, live) built on the same functions as the CLI."""
