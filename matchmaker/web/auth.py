"""Sign in, sign up (job seekers), sign out, password change, accepting a staff invitation."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from matchmaker.extensions import limiter
from matchmaker.orm import utcnow
from matchmaker.services import accounts, two_factor
from matchmaker.web.forms import AcceptInvitationForm, CodeForm, LoginForm, PasswordForm, SignUpForm, submit
from matchmaker.web.nav import home_for, safe_next

bp = Blueprint("auth", __name__)


@bp.context_processor
def _lockout_rule():
    return {"lockout_after": accounts.LOCKOUT_AFTER, "lockout_minutes": accounts.LOCKOUT_MINUTES}


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is not None and two_factor.is_on(user):
            # The password was right; the account is signed in only once its code is too.
            session["second_step"] = {"user": user.get_id(), "at": utcnow().timestamp()}
            return redirect(url_for("auth.second_step", next=safe_next(request.args.get("next"))))
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        flash(_("手机号/用户名或密码不正确。"), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_step():
    pending = session.get("second_step") or {}
    user = accounts.pending_second_step(pending.get("user"), pending.get("at"))
    if user is None:
        session.pop("second_step", None)
        return render_template("auth/code.html", form=None), 400
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.second_step(user, form.code.data):
            session.pop("second_step", None)
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        form.code.errors.append(_("验证码不正确或已过期，请输入验证器应用中当前显示的 6 位数字。"))
    return render_template("auth/code.html", form=form), 400 if form.errors else 200


def _signed_in(user) -> str:
    """Sign the user in; their home page is where they go next."""
    login_user(user)
    return home_for(user)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignUpForm()
    if done := submit(form, lambda: accounts.sign_up_seeker(form.phone.data, form.password.data,
                                                            form.display_name.data),
                      _("注册成功，欢迎使用！"), _signed_in):
        return done
    return render_template("auth/signup.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(_("您已退出登录。"), "success")
    return redirect(url_for("public.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    user = current_user._get_current_object()
    # Signed in again: this session carries the new session version; all others end.
    if done := submit(form, lambda: accounts.change_password(user, form.current.data, form.new.data),
                      _("密码已修改，其他设备上的登录已失效。"), _signed_in):
        return done
    return render_template("auth/password.html", form=form)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    invitation = accounts.find_invitation(token)
    form = AcceptInvitationForm(display_name=invitation.display_name)
    if done := submit(form, lambda: accounts.accept_invitation(token, form.login.data, form.password.data,
                                                               form.display_name.data),
                      _("账号已创建。"), _signed_in):
        return done
    return render_template("auth/invite.html", form=form, invitation=invitation)
