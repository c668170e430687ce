"""Account settings for every signed-in user: personal API tokens (create, list, revoke); for staff, the second
factor (TOTP)."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from matchmaker.models.users import STAFF_ROLES
from matchmaker.services import accounts, api_tokens, pii, two_factor
from matchmaker.services.errors import DomainError
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import CodeForm, attempt, show_error

bp = Blueprint("settings", __name__, url_prefix="/settings")


class TokenForm(FlaskForm):
    name = StringField(_l("令牌名称（用途）"), validators=[DataRequired(_l("请填写令牌名称。")),
                                                   Length(max=api_tokens.NAME_MAX)])
    expires_on = DateField(_l("有效期至（可选）"), validators=[Optional()])


class RevokeForm(FlaskForm):
    pass


def _page(form, secret=None, status=200):
    user = actor()
    return render_template("settings/tokens.html", form=form, tokens=api_tokens.tokens_of(user), secret=secret,
                           revoke_form=RevokeForm(), is_live=api_tokens.is_live), status


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create(actor(), form.name.data, form.expires_on.data)
        except DomainError as e:
            show_error(form, e)
        else:
            # Rendered, not redirected: the secret exists only in this response (no-store) and is never shown again.
            flash(_("令牌已创建。请立即复制保存，离开本页后将无法再次查看。"), "success")
            return _page(TokenForm(formdata=None), secret=secret)
    return _page(form, status=400 if form.errors else 200)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    if RevokeForm().validate_on_submit():
        attempt(lambda: api_tokens.revoke(actor(), token_id), _("令牌已撤销，使用它的程序将无法再访问。"))
    return redirect(url_for("settings.tokens"))


# --- second factor (TOTP) ----------------------------------------------------------------------------------

@bp.route("/two-factor", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def two_factor_page():
    """Off → start (a new secret, shown as a QR code) → confirm with a code from the app → on; on → off with a code.
    The secret being set up waits in the (signed) session cookie, encrypted: it is kept only once confirmed."""
    user = actor()
    form = CodeForm()
    action = request.form.get("action", "")
    if request.method == "POST" and action == "start" and not two_factor.is_on(user):
        session["totp_setup"] = pii.encrypt(two_factor.new_secret())
        return _two_factor(user, CodeForm(formdata=None))
    if request.method == "POST" and form.validate_on_submit():
        try:
            if action == "confirm" and session.get("totp_setup"):
                two_factor.turn_on(user, pii.decrypt(session["totp_setup"]), form.code.data)
                session.pop("totp_setup", None)
                flash(_("两步验证已开启。以后登录时，输入密码后还需输入验证器应用中的验证码。"), "success")
            elif action == "off":
                accounts.turn_off_second_factor(user, form.code.data)
                flash(_("两步验证已关闭。"), "success")
            else:
                raise DomainError(_("无效的操作。"))
        except DomainError as e:
            show_error(form, e)
            return _two_factor(user, form, status=400)
        return redirect(url_for("settings.two_factor_page"))
    return _two_factor(user, form, status=400 if form.errors else 200)


def _two_factor(user, form, status=200):
    setup = session.get("totp_setup") if not two_factor.is_on(user) else None
    secret = pii.decrypt(setup) if setup else None
    return render_template("settings/two_factor.html", form=form, on=two_factor.is_on(user), secret=secret,
                           qr=two_factor.setup_qr_svg(user, secret) if secret else None), status
