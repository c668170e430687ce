"""Bureau (人社部门) pages: its region at a glance, registering organisations, inviting their staff; verifying
organisations, approving pairings and park–school links, policy settings and annual targets, the reference data
(zones, parks, trade aliases) and the shortage warnings."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from matchmaker.models import Enterprise, School, Village
from matchmaker.models.orgs import SCHOOL_KINDS
from matchmaker.models.policy import KPI_DEFAULTS
from matchmaker.models.regions import ZONES
from matchmaker.services import (accounts, approvals, catalogue, dashboards, orgs, policy, regions,
                                 shortages)
from matchmaker.services.errors import DomainError
from matchmaker.services.permissions import load_for
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import REFUSED, attempt, db_int, options, show_error, submit

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
    kind = SelectField(_l("类型"), choices=options((k, k) for k in SCHOOL_KINDS))
    county_code = HiddenField(_l("所在县（市、区）"))
    specialties = StringField(_l("主要专业（用；分隔）"), validators=[Length(max=300)])


@bp.route("/")
@role_required("bureau")
def home():
    user = actor()
    # The pending figures as the approvals page counts them (agreed pairings still await the bureau, too).
    figures = {**dashboards.bureau_landing(user), **approvals.pending_counts(user)}
    return render_template("bureau/home.html", **figures, **orgs.organisations_in_region(user))


def _register(form, template, register, **kwargs):
    if done := submit(form, lambda: register(actor(), **_typed(form)), _("登记成功。"), url_for("bureau.home")):
        return done
    return render_template(template, form=form, **kwargs)


def _typed(form) -> dict:
    """What the user typed, by field name, for a service taking the form's fields as keywords."""
    return {k: v.data for k, v in form._fields.items() if k != "csrf_token"}


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
    organisation = load_for(actor(), model, org_id, "invite")
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


# --- verifying organisations and approvals ---------------------------------------------------------------------

@bp.route("/organisations")
@role_required("bureau")
def organisations():
    return render_template("bureau/organisations.html", groups=approvals.unverified_organisations(actor()))


@bp.route("/organisations/<kind>/<int:org_id>/verify", methods=["POST"])
@role_required("bureau")
def verify(kind, org_id):
    if kind not in approvals.ORGANISATIONS:
        abort(404)
    attempt(lambda: approvals.verify(actor(), kind, org_id), lambda o: _("已认证：%(name)s", name=o.name))
    return redirect(url_for("bureau.organisations"))


@bp.route("/approvals")
@role_required("bureau")
def approvals_page():
    user = actor()
    return render_template("bureau/approvals.html", pairings=approvals.pending_pairings(user),
                           links=approvals.pending_links(user))


@bp.route("/pairings/<int:pairing_id>/approve", methods=["POST"])
@role_required("bureau")
def approve_pairing(pairing_id):
    attempt(lambda: approvals.approve_pairing(actor(), pairing_id), _("结对已审批通过。"))
    return redirect(url_for("bureau.approvals_page"))


@bp.route("/pairings/<int:pairing_id>/reject", methods=["POST"])
@role_required("bureau")
def reject_pairing(pairing_id):
    attempt(lambda: approvals.reject_pairing(actor(), pairing_id, request.form.get("reason", "")),
            _("结对未予通过，原因已记录。"))
    return redirect(url_for("bureau.approvals_page"))


@bp.route("/links/<int:link_id>/decide", methods=["POST"])
@role_required("bureau")
def decide_link(link_id):
    approve = request.form.get("decision") == "approve"
    attempt(lambda: approvals.decide_link(actor(), link_id, approve, request.form.get("reason", "")),
            _("校园对接已审批通过。") if approve else _("校园对接未予通过。"))
    return redirect(url_for("bureau.approvals_page"))


# --- policy settings and annual targets ------------------------------------------------------------------------

class PolicyForm(FlaskForm):
    note = TextAreaField(_l("修改原因"), validators=[Length(max=policy.MAX_NOTE)])


for _field in policy.FIELDS:
    setattr(PolicyForm, _field.name, StringField(_field.label, render_kw={"inputmode": "decimal"}))


@bp.route("/policy", methods=["GET", "POST"])
@role_required("bureau")
def policy_settings():
    user = actor()
    editable = policy.may_change_policy(user)
    form = PolicyForm(data=None if request.method == "POST" else
                      {k: f"{v:g}" for k, v in policy.current_values().items()})
    if request.method == "POST":
        if not editable:
            abort(403)
        if done := submit(form, lambda: policy.change_policy(user, {f.name: form[f.name].data for f in policy.FIELDS},
                                                             form.note.data),
                          lambda setting: _("已保存为第 %(v)s 版，排序即刻生效。", v=setting.version),
                          url_for("bureau.policy_settings")):
            return done
    return render_template("bureau/policy.html", form=form, editable=editable, fields=policy.FIELDS,
                           weights=policy.WEIGHTS, history=policy.history())


def _target_form(rows, data=None):
    class TargetForm(FlaskForm):
        pass
    for row in rows:
        setattr(TargetForm, row.kpi, StringField(row.label, render_kw={"inputmode": "decimal"}))
    return TargetForm(data=data)


@bp.route("/targets", methods=["GET", "POST"])
@role_required("bureau")
def targets():
    user = actor()
    year = request.values.get("year", type=db_int) or date.today().year
    try:
        rows = policy.targets(user, year)
    except DomainError as e:
        flash(e.message, "error")
        return redirect(url_for("bureau.targets"))
    form = _target_form(rows, None if request.method == "POST" else
                        {r.kpi: "" if r.target is None else f"{r.target:g}" for r in rows})
    if done := submit(form, lambda: policy.set_targets(user, year, {k: form[k].data for k in KPI_DEFAULTS}),
                      _("%(y)s 年度目标已保存。", y=year), url_for("bureau.targets", year=year)):
        return done
    return render_template("bureau/targets.html", form=form, rows=rows, year=year,
                           years=range(date.today().year - 2, date.today().year + 3))


# --- reference data: zones, parks, trade aliases ---------------------------------------------------------------

@bp.route("/catalogue")
@role_required("bureau")
def catalogue_page():
    user = actor()
    q = request.args.get("q", "")
    return render_template("bureau/catalogue.html", counties=catalogue.counties(user), parks=catalogue.parks(user),
                           aliases=catalogue.aliases(user, q), q=q, zones=ZONES,
                           province=catalogue.is_province(user))


@bp.route("/counties/<int:region_id>/zone", methods=["POST"])
@role_required("bureau")
def set_zone(region_id):
    attempt(lambda: catalogue.set_zone(actor(), region_id, request.form.get("zone", "")),
            lambda c: _("%(name)s 的功能区已更新。", name=c.name))
    return redirect(url_for("bureau.catalogue_page") + "#zones")


class ParkForm(FlaskForm):
    name = StringField(_l("产业园名称"), validators=[DataRequired(_l("请填写产业园名称。")), Length(max=120)])
    county_code = HiddenField(_l("所在县（市、区）"))
    key_park = BooleanField(_l("重点园区"))
    leading_industries = StringField(_l("主导产业（用；分隔）"), validators=[Length(max=300)])
    longitude = StringField(_l("经度（可选）"), render_kw={"inputmode": "decimal"})
    latitude = StringField(_l("纬度（可选）"), render_kw={"inputmode": "decimal"})


def _park_form(park_id=None):
    user = actor()
    park = catalogue.load_park(user, park_id) if park_id is not None else None
    form = ParkForm(obj=park)
    if park is not None and request.method == "GET":
        form.county_code.data = park.county.code
        form.longitude.data = "" if park.longitude is None else f"{park.longitude:g}"
        form.latitude.data = "" if park.latitude is None else f"{park.latitude:g}"
    if done := submit(form, lambda: catalogue.save_park(user, park_id, **_typed(form)),
                      lambda saved: _("已保存产业园：%(name)s", name=saved.name),
                      url_for("bureau.catalogue_page") + "#parks"):
        return done
    return render_template("bureau/park_form.html", form=form, park=park, province=catalogue.is_province(user))


@bp.route("/parks/new", methods=["GET", "POST"])
@role_required("bureau")
def new_park():
    return _park_form()


@bp.route("/parks/<int:park_id>", methods=["GET", "POST"])
@role_required("bureau")
def edit_park(park_id):
    return _park_form(park_id)


@bp.route("/aliases", methods=["POST"])
@role_required("bureau")
def add_alias():
    user = actor()
    if not catalogue.is_province(user):
        abort(403)
    result = attempt(lambda: catalogue.add_alias(user, request.form.get("trade_code", ""),
                                                 request.form.get("alias", "")),
                     lambda a: _("已添加别名“%(alias)s” → %(name)s", alias=a.alias, name=a.trade.name))
    if result is REFUSED:  # keep what was typed
        return redirect(url_for("bureau.catalogue_page", q=request.form.get("alias", ""),
                                trade_code=request.form.get("trade_code", ""),
                                alias=request.form.get("alias", "")) + "#aliases")
    return redirect(url_for("bureau.catalogue_page", q=result.alias) + "#aliases")


@bp.route("/aliases/<int:alias_id>/delete", methods=["POST"])
@role_required("bureau")
def remove_alias(alias_id):
    attempt(lambda: catalogue.remove_alias(actor(), alias_id),
            lambda a: _("已删除别名“%(alias)s”。", alias=a.alias))
    return redirect(url_for("bureau.catalogue_page") + "#aliases")


# --- shortage warnings ----------------------------------------------------------------------------------------

@bp.route("/shortages")
@role_required("bureau")
def shortages_page():
    user = actor()
    days, stale = shortages.stale_vacancies(user)
    return render_template("bureau/shortages.html", days=days, stale=stale, gaps=shortages.trade_gaps(user),
                           reach_km=int(shortages.REACH_KM), actions=shortages.ACTIONS,
                           hints=shortages.ACTION_HINTS)
