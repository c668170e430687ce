"""Account settings for every signed-in user: personal API tokens (create, list, revoke)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from matchmaker.services import api_tokens
from matchmaker.services.errors import DomainError
from matchmaker.web.access import actor
from matchmaker.web.forms import attempt, show_error

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
