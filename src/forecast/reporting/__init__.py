"""The report: HTML, Markdown, figures (matplotlib lives here) and their cache."""
