"""index.html: one self-contained page rendered with autoescaping Jinja2."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from forecast.wording import interval, pct


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("forecast", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = pct
    env.filters["interval"] = interval
    return env


def _inline_svg(svg: str) -> Markup:
    """Our own matplotlib SVG, without its XML prologue, for inlining (no external files)."""
    start = svg.find("<svg")
    return Markup(svg[start:])


def report_html(context: dict[str, Any], scenario_svg: str) -> str:
    """Render the page; every text from evidence, notes and sources is escaped by Jinja2."""
    template = _environment().get_template("report.html.j2")
    return template.render(**context, scenario_svg=_inline_svg(scenario_svg))
