"""Bureau (人社部门) pages: its region at a glance, registering organisations, inviting their staff."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from matchmaker.models import Enterprise, School, Village
from matchmaker.models.orgs import SCHOOL_KINDS
from matchmaker.services import accounts, dashboards, orgs, regions
from matchmaker.services.errors import DomainError
from matchmaker.services.permissions import load_for
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import show_error

bp = Blueprint("bureau", __name__, url_prefix="/bureau")

INVITABLE = {"enterprise": (Enterprise, "enterprise"), "village": (Village, "coordinator"),
             "school": (School, "school")}


class EnterpriseForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[DataRequired(_l("请填写企业名称。")), Length(max=120)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[DataRequired(_l("请填写统一社会信用代码。"))])
    county_code = HiddenField(_l("所在县（市、区）"))
    industry = StringField(_l("行业"), validators=[Length(max=60)])


class VillageForm(FlaskForm):
    village_code = HiddenField(_l("村（居）"))


class BureauInviteForm(FlaskForm):
    region_code = HiddenField(_l("县（市、区）"))
    city_level = BooleanField(_l("邀请所选县所属的市级人社部门"))
    display_name = StringField(_l("姓名（可选）"), validators=[Length(max=60)])


class SchoolForm(FlaskForm):
    name = StringField(_l("学校名称"), validators=[DataRequired(_l("请填写学校名称。")), Length(max=120)])
    kind = SelectField(_l("类型"), choices=[(k, k) for k in SCHOOL_KINDS])
    county_code = HiddenField(_l("所在县（市、区）"))
    specialties = StringField(_l("主要专业（用；分隔）"), validators=[Length(max=300)])


@bp.route("/")
@role_required("bureau")
def home():
    user = actor()
    return render_template("bureau/home.html", **dashboards.bureau_landing(user), **orgs.organisations_in_region(user))


def _register(form, template, register, **kwargs):
    if form.validate_on_submit():
        try:
            register(actor(), **{k: v.data for k, v in form._fields.items() if k != "csrf_token"})
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_("登记成功。"), "success")
            return redirect(url_for("bureau.home"))
    return render_template(template, form=form, **kwargs)


@bp.route("/enterprises/new", methods=["GET", "POST"])
@role_required("bureau")
def new_enterprise():
    return _register(EnterpriseForm(), "bureau/enterprise_form.html", orgs.register_enterprise)


@bp.route("/villages/new", methods=["GET", "POST"])
@role_required("bureau")
def new_village():
    return _register(VillageForm(), "bureau/village_form.html", orgs.register_village)


@bp.route("/schools/new", methods=["GET", "POST"])
@role_required("bureau")
def new_school():
    return _register(SchoolForm(), "bureau/school_form.html", orgs.register_school)


@bp.route("/invite/<kind>/<int:org_id>", methods=["POST"])
@role_required("bureau")
def invite(kind, org_id):
    if kind not in INVITABLE:
        abort(404)
    model, role = INVITABLE[kind]
    organisation = load_for(actor(), model, org_id, "edit")
    token = accounts.create_invitation(actor(), role, organisation, request.form.get("display_name", ""))
    link = url_for("auth.accept_invitation", token=token, _external=True)
    return render_template("bureau/invitation.html", link=link, organisation=organisation, role=role)


@bp.route("/invite-bureau", methods=["GET", "POST"])
@role_required("bureau")
def invite_bureau():
    """A bureau invites a colleague for a county or city inside its own region."""
    form = BureauInviteForm()
    if form.validate_on_submit():
        try:
            county = regions.by_code(form.region_code.data or "", "county")
            region = county.parent if form.city_level.data else county
            token = accounts.create_invitation(actor(), "bureau", region, form.display_name.data)
        except DomainError as e:
            show_error(form, e)
        else:
            link = url_for("auth.accept_invitation", token=token, _external=True)
            return render_template("bureau/invitation.html", link=link, organisation=region, role="bureau")
    return render_template("bureau/bureau_invite_form.html", form=form)
