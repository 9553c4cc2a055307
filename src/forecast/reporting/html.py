"""index.html: one self-contained page rendered with autoescaping Jinja2."""

from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, select_autoescape

from forecast.analysis.forecastdoc import ForecastDocument
from forecast.fitting.claimfit import probability_text
from forecast.reporting.wording import claimed, frame_words, held_text, interval, pct, phrase, value


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("forecast", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = pct
    env.filters["interval"] = interval
    env.filters["probability"] = probability_text
    env.filters["frame_words"] = frame_words
    env.filters["claimed"] = claimed
    env.filters["value"] = value
    env.filters["held"] = held_text
    env.filters["phrase"] = phrase
    return env


def svg_data_uri(svg: bytes) -> str:
    """An SVG as a data: URI, so the page needs no other file and figures cannot clash."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def report_html(context: ForecastDocument, figures: dict[str, str]) -> str:
    """Render the page; every text from evidence, notes and sources is escaped by Jinja2.

    `figures` maps a figure name (e.g. "scenarios") to its data: URI.
    """
    template = _environment().get_template("report.html.j2")
    return template.render(**context.as_template_values(), figures=figures)
