"""The JSON API (/api/v1) for other systems: bearer-token authentication only, the same services (and so the same
permission checks) as the pages, paginated lists, JSON errors in the request's language.

Session cookies are never read here: a browser session cannot be ridden into the API, which is why the blueprint
can be exempt from CSRF."""
from __future__ import annotations

import hashlib
from datetime import date
from functools import wraps

from flask import Blueprint, Flask, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from matchmaker.extensions import csrf, limiter
from matchmaker.orm import INT_MAX
from matchmaker.services import api_tokens
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.services.workers import StaleEdit

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PER_PAGE_MAX = 100
PER_PAGE_DEFAULT = 20
# Larger ids cannot exist (32-bit keys) and would overflow the database driver: treat them as not found.
ID_MAX = INT_MAX
PUBLIC_ENDPOINTS = {"api.openapi"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


# --- errors -------------------------------------------------------------------------------------------------

def _http_message(status: int) -> tuple[str, str]:
    return {
        400: ("bad_request", _("请求格式有误。")),
        401: ("unauthorized", _("请在请求头中提供有效的 API 令牌（Authorization: Bearer …）。")),
        403: ("forbidden", _("您无权进行此操作。")),
        404: ("not_found", _("找不到该记录，或您无权查看。")),
        405: ("method_not_allowed", _("不支持该操作。")),
        413: ("too_large", _("请求内容过大。")),
        415: ("unsupported_media_type", _("请求体应为 JSON。")),
        429: ("rate_limited", _("请求过于频繁，请稍后再试。")),
    }.get(status, ("internal_error", _("系统出现问题，请稍后再试。我们已记录此错误。")))


def error_response(status: int, code: str, message: str, field: str | None = None):
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="matchmaker"'
    return response


def _from_exception(e):
    if isinstance(e, ApiError):
        return error_response(e.status, e.code, e.message, e.field)
    if isinstance(e, NotFound):
        return error_response(404, "not_found", e.message)
    if isinstance(e, Forbidden):
        return error_response(403, "forbidden", e.message)
    if isinstance(e, StaleEdit):
        return error_response(409, "conflict", e.message, e.field)
    if isinstance(e, DomainError):
        # Bad input names its field (422); a refusal in the object's current state (409) names none, or "status".
        if e.field and e.field != "status":
            return error_response(422, "invalid", e.message, e.field)
        return error_response(409, "conflict", e.message)
    if isinstance(e, HTTPException) and e.code is not None and e.code < 500:
        return error_response(e.code, *_http_message(e.code))
    current_app.logger.exception("unhandled API error on %s", request.path, exc_info=getattr(e, "original_exception", e))
    return error_response(500, *_http_message(500))


def _api_aware(handler):
    """Wrap an app-wide error page so that /api/ paths (including unknown ones) get JSON instead."""
    def wrapped(e):
        if request.path.startswith(bp.url_prefix + "/") or request.path == bp.url_prefix:
            return _from_exception(e)
        return handler(e)
    return wrapped


# --- authentication -----------------------------------------------------------------------------------------

def _bearer() -> str | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


def _rate_key() -> str:
    # Per token when one is sent (hashed: the secret itself never enters the limiter's storage), else per address.
    secret = _bearer()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "api-ip:" + (request.remote_addr or "")


@bp.before_request
def _authenticate():
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and value > ID_MAX:
            raise ApiError(404, "not_found", _("找不到该记录，或您无权查看。"))
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    from matchmaker.api.openapi import QUERY_NAMES
    unknown = sorted(set(request.args) - QUERY_NAMES.get(request.endpoint, set()))
    if unknown:
        raise ApiError(400, "bad_request", _("不支持的参数：%(names)s。", names="、".join(unknown)[:100]), unknown[0][:40])
    user = api_tokens.authenticate(_bearer())
    if user is None:
        raise ApiError(401, "unauthorized", _("API 令牌无效、已过期或已撤销。"))
    g.api_user = user
    return None


def actor():
    return g.api_user


def roles(*allowed: str):
    """The first gate, as `web.access.role_required` is for the pages: the services' per-object checks come after.
    Needed on its own: a bureau "owns" every object in its region, so without this gate it could edit a vacancy
    there, which no page lets it do."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if actor().role not in allowed:
                raise ApiError(403, "forbidden", _("您无权进行此操作。"))
            return view(*args, **kwargs)
        return wrapped
    return decorator


# --- request parsing ----------------------------------------------------------------------------------------

def _invalid(name: str, message: str | None = None) -> ApiError:
    return ApiError(422, "invalid", message or _("字段 %(name)s 的值无效。", name=name), name)


def body() -> dict:
    data = request.get_json(silent=True) if request.content_length or request.is_json else {}
    if data is None and not request.get_data():
        data = {}
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("请求体应为 JSON 对象。"))
    return data


def field(data: dict, name: str, kind, default=None, required: bool = False, nullable: bool = True,
          max_length: int = 10000):
    """One typed field of a JSON body: wrong types are refused (422 naming the field), never coerced."""
    if name not in data:
        if required:
            raise _invalid(name, _("请填写 %(name)s。", name=name))
        return default
    value = data[name]
    if value is None:
        if nullable and not required:
            return None
        raise _invalid(name)
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and -ID_MAX <= value <= ID_MAX
    elif kind is str:
        ok = isinstance(value, str) and len(value) <= max_length
    elif kind is date:
        try:
            value = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            value = None
        ok = value is not None
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise _invalid(name)
    return value


def arg_int(name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or not lo <= int(raw) <= hi:
        raise ApiError(400, "bad_request", _("参数 %(name)s 应为 %(lo)s 到 %(hi)s 之间的整数。", name=name, lo=lo, hi=hi),
                       name)
    return int(raw)


def arg_bool(name: str) -> bool:
    raw = request.args.get(name)
    if raw is not None and raw not in ("true", "false"):
        raise ApiError(400, "bad_request", _("参数 %(name)s 应为 true 或 false。", name=name), name)
    return raw == "true"


def arg_choice(name: str, choices) -> str:
    # Present means chosen: an empty or unknown value is refused rather than read as "any".
    raw = request.args.get(name)
    if raw is not None and raw not in choices:
        raise ApiError(400, "bad_request", _("参数 %(name)s 的值无效。", name=name), name)
    return raw or ""


def page_args() -> tuple[int, int]:
    return arg_int("page", 1, 1, 100000), arg_int("per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX)


def _next_url(page: int, per_page: int) -> str:
    args = request.args.to_dict()
    args.update(page=page + 1, per_page=per_page)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def paged(items: list, total: int, page: int, per_page: int) -> dict:
    has_next = page * per_page < total
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "next": _next_url(page, per_page) if has_next else None}


def paged_list(rows: list, to_json, page: int | None = None, per_page: int | None = None) -> dict:
    if page is None:
        page, per_page = page_args()
    start = (page - 1) * per_page
    return paged([to_json(r) for r in rows[start:start + per_page]], len(rows), page, per_page)


def paged_query(pagination, to_json) -> dict:
    return paged([to_json(r) for r in pagination.items], pagination.total or 0, pagination.page, pagination.per_page)


# --- wiring -------------------------------------------------------------------------------------------------

for _code in (400, 401, 403, 404, 405, 413, 415, 422, 429, 500):
    bp.register_error_handler(_code, _from_exception)
bp.register_error_handler(DomainError, _from_exception)
bp.register_error_handler(ApiError, _from_exception)
csrf.exempt(bp)
limiter.limit(lambda: current_app.config.get("API_RATE_LIMIT", "600/minute"), key_func=_rate_key)(bp)


def register_api(app: Flask) -> None:
    """Call after the web's error pages are registered: they are wrapped to answer JSON under /api/."""
    from matchmaker.api import openapi, resources  # noqa: F401  (routes register on import)

    app.register_blueprint(bp)
    for code, handlers in app.error_handler_spec[None].items():
        if code is None:
            continue
        for cls, handler in list(handlers.items()):
            handlers[cls] = _api_aware(handler)
