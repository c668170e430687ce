"""Forms shared across blueprints, and the one way a service's DomainError reaches a form."""
from datetime import date

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from matchmaker.orm import INT_MAX
from matchmaker.services.errors import DomainError, Forbidden, NotFound


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a SelectField's choices: WTForms 3.4 no longer takes tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put the message beside the field it is about, or at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "error")


def db_int(value: str) -> int:
    """``type=`` for request.args/form.get: a whole number an Integer column can hold. Anything else raises
    ValueError, so the caller gets the default, as for any non-number (a longer one would reach the database
    driver and end in a 500; int() itself refuses 4,300+ digits with ValueError)."""
    number = int(value)
    if not -INT_MAX <= number <= INT_MAX:
        raise ValueError(value)
    return number


def posted_int(name: str) -> int | None:
    """An integer from a plain (non-WTForms) POST field: None when blank, -1 when not a number, so the
    service's range check refuses it with its own message."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return db_int(raw) if raw.lstrip("-").isdigit() else -1
    except ValueError:
        return -1


def posted_date(name: str) -> date | None:
    raw = (request.form.get(name) or "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise DomainError(_("日期格式不正确。"), name) from None


REFUSED = object()


def attempt(action, success):
    """Run one service call for a button-like POST and flash its success (a message, or a function of the
    result) or its refusal in the user's language; returns the result, or REFUSED. Missing and forbidden
    objects still end as 404/403 pages."""
    try:
        result = action()
    except (NotFound, Forbidden):
        raise
    except DomainError as e:
        flash(e.message, "error")
        return REFUSED
    flash(success(result) if callable(success) else success, "success")
    return result


def as_input(form: FlaskForm, cls):
    """The service's input dataclass filled from the form's fields of the same names."""
    return cls(**{name: form[name].data for name in cls.__dataclass_fields__})


def submit(form: FlaskForm, action, success, then):
    """The POST of a form view: when the form validates, run one service call. A refusal is shown beside its
    field and None returned, so the view shows the form again with what was typed; otherwise the success (a
    message, or a function of the result) is flashed and a redirect to ``then`` (a URL, or a function of the
    result) returned. Missing and forbidden objects still end as 404/403 pages, as in ``attempt``."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except (NotFound, Forbidden):
        raise
    except DomainError as e:
        show_error(form, e)
        return None
    flash(success(result) if callable(success) else success, "success")
    return redirect(then(result) if callable(then) else then)


class LoginForm(FlaskForm):
    login = StringField(_l("手机号或用户名"), validators=[DataRequired(_l("请填写手机号或用户名。")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码。"))])


class CodeForm(FlaskForm):
    code = StringField(_l("验证码（6 位数字）"), validators=[DataRequired(_l("请填写验证器应用中显示的 6 位验证码。")),
                                                     Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True})


class SignUpForm(FlaskForm):
    phone = StringField(_l("手机号"), validators=[DataRequired(_l("请填写手机号。"))])
    display_name = StringField(_l("称呼"), validators=[DataRequired(_l("请填写称呼。")), Length(max=60)])
    password = PasswordField(_l("密码（至少 8 位）"), validators=[DataRequired(_l("请设置密码。"))])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码。"))])
    new = PasswordField(_l("新密码（至少 8 位）"), validators=[DataRequired(_l("请填写新密码。"))])


class AcceptInvitationForm(FlaskForm):
    login = StringField(_l("用户名"), validators=[DataRequired(_l("请设置用户名。"))])
    display_name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=60)])
    password = PasswordField(_l("密码（至少 8 位）"), validators=[DataRequired(_l("请设置密码。"))])
