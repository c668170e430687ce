"""Web layer: blueprints by role, plus auth, public pages and region look-ups. Routes stay thin."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from matchmaker.extensions import login_manager
from matchmaker.orm import INT_MAX
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.vocabulary import label
from matchmaker.web.reasons import render_reason, score_card, score_figures
from matchmaker.web.security import add_security_headers


class _IdConverter(IntegerConverter):
    """<int:…> in every URL: at most INT_MAX. A longer number is a page that does not exist (404), not a 500
    from the database driver, which cannot bind it."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def register_web(app: Flask) -> None:
    # before any blueprint: a rule takes its converters when it is added
    app.url_map.converters["int"] = _IdConverter
    from matchmaker.services.accounts import load_session_user
    from matchmaker.web import (auth, bureau, enterprise, follow_ups, invitations, kpi, ledger_links, notifications,
                                pairings, privacy, public, referrals, regions, school, seeker, settings, trades,
                                village)

    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(load_session_user)

    for module in (public, auth, regions, enterprise, village, school, seeker, bureau, referrals, pairings, follow_ups,
                   trades, settings, notifications, privacy, ledger_links, kpi, invitations):
        app.register_blueprint(module.bp)

    from flask_babel import get_locale
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["reason"] = render_reason
    app.jinja_env.globals["score_figures"] = score_figures  # for the score card's macro
    app.jinja_env.globals["score_card"] = score_card
    app.jinja_env.filters["zip"] = lambda first, *others: zip(first, *others)
    add_security_headers(app)
    _register_errors(app)
    from matchmaker.api import register_api
    register_api(app)  # after the error pages: it makes them answer JSON under /api/


def _error_page(status: int, message: str):
    return render_template("errors/error.html", status=status, message=message), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(e):
        return _error_page(404, getattr(e, "message", None) or _("页面不存在。"))

    @app.errorhandler(Forbidden)
    @app.errorhandler(403)
    def forbidden(e):
        return _error_page(403, getattr(e, "message", None) or _("您无权访问此页面。"))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _error_page(400, _("表单已过期，请返回刷新页面后重新提交。"))

    @app.errorhandler(429)
    def too_many(e):
        return _error_page(429, _("尝试次数过多，请稍后再试。"))

    @app.errorhandler(405)
    def not_allowed(e):
        return _error_page(405, _("不支持该操作。"))

    @app.errorhandler(DomainError)
    def domain_error(e):
        return _error_page(400, e.message)

    @app.errorhandler(500)
    def server_error(e):
        app.logger.exception("unhandled error on %s", request.path)
        return _error_page(500, _("系统出现问题，请稍后再试。我们已记录此错误。"))
