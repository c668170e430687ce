"""Locale choice: the user's explicit choice (session or account), else zh-CN — Chinese first. The JSON API
reads neither session nor account (it never trusts cookies): there, the request's Accept-Language decides."""
from functools import cache
from types import SimpleNamespace

import flask_babel
from babel import Locale
from flask import current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from matchmaker.vocabulary import translated


def select_locale() -> Locale:
    return _parsed(_locale_code())


@cache
def _parsed(code: str) -> Locale:
    """One Locale per code for the process: Flask-Babel parses whatever the selector returns on every request, and
    Babel's parse of a string compares it with each of its ~1000 locale names (some 0.2 ms a request); a Locale
    is returned as it is."""
    return Locale.parse(code)


def _locale_code() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and batch jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in supported:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _fast_babel_context():
    """Flask-Babel's per-request namespace, read straight from the app context. Flask-Babel 4 reaches it through
    the `g` proxy three times per lookup and looks it up two or three times per translated string: with ~1000
    strings on a page of 50 ranked candidates (labels and reasons) that was a sixth of the page's CPU time."""
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return None
    g = app_ctx.g
    try:
        return g._flask_babel
    except AttributeError:
        g._flask_babel = SimpleNamespace()
        return g._flask_babel


# Same answer as flask_babel._get_current_context (None outside an app context, one namespace per context, which
# force_locale and refresh keep using), without the proxies.
if hasattr(flask_babel, "_get_current_context"):
    flask_babel._get_current_context = _fast_babel_context


@pass_eval_context
def template_gettext(__eval_ctx, __string: str, **variables) -> str:
    """`_()` and `gettext()` in templates: what Jinja's newstyle gettext does (translate; mark the translation safe
    under autoescape, so the variables are escaped when formatted in; always %-format), in one call where Jinja's
    `_` alias takes three nested context calls. A page of 20 score cards makes some 250 of these calls. It takes the
    evaluation context, not the context: Jinja copies the whole context (every global) for each call of a
    context function made inside a loop or a block that set variables, some 60 copies a page of candidates."""
    rv = translated(__string)
    if __eval_ctx.autoescape:
        rv = Markup(rv)
    if not variables and "%" not in rv:  # most strings: formatting would return them unchanged, at 1 µs each
        return rv
    return rv % variables


def install_template_gettext(app) -> None:
    """After Flask-Babel has installed Jinja's i18n extension (ngettext and {% trans %} stay Jinja's own)."""
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)
