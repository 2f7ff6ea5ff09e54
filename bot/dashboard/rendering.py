"""Jinja2 templates for the dashboard pages, escaped by construction.

Layout: each feature keeps its templates next to its code, in
bot/<feature>/templates/<feature>/ (for example
bot/tickets/templates/tickets/inbox.html); what every page shares (the base
layout, the CSRF field, the plain message page) is in
bot/dashboard/templates/dashboard/. One FileSystemLoader searches every
bot/*/templates folder, and the feature subfolder in each template's name
("tickets/inbox.html") keeps the names apart, so adding a feature's
templates needs no change here.

Autoescape is on for every template: values are escaped when they are
written, so no page escapes by hand. Pages have no inline script or style
(the Content-Security-Policy forbids both); CSS is bot/static/dashboard.css.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.keys import CONTENT

BOT_DIR = Path(__file__).resolve().parents[1]


def template_dirs() -> List[Path]:
    """Every feature's templates folder (bot/<feature>/templates)."""
    return sorted(path for path in BOT_DIR.glob("*/templates") if path.is_dir())


def environment_options() -> dict:
    return {
        "loader": jinja2.FileSystemLoader([str(path) for path in template_dirs()]),
        "autoescape": True,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }


def setup(app: web.Application) -> jinja2.Environment:
    """Give the app its template environment (aiohttp_jinja2.render_template
    uses it). Every page knows the municipality's name (content/) and its
    own path, to mark where the menu is."""
    municipality = app[CONTENT].municipality.name

    async def page_globals(request: web.Request) -> dict:
        return {"municipality": municipality, "here": request.path}

    return aiohttp_jinja2.setup(app, context_processors=[page_globals], **environment_options())
