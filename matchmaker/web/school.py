"""School (技工院校 / 职业院校) pages: profile, park links, order classes and their students, graduation, training
records and the demand view. Thin: each route parses a form, calls one service, flashes, redirects or renders."""
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from matchmaker.services import dashboards, schools, training, workers
from matchmaker.vocabulary import SKILL_LEVEL, TRAINING_MODE
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import as_input, attempt, db_int, options, submit
from matchmaker.web.village import WorkerForm

bp = Blueprint("school", __name__, url_prefix="/school")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/")
@role_required("school")
def home():
    return render_template("school/home.html", **dashboards.school_landing(actor()))


# --- profile ----------------------------------------------------------------------------------------------------

class ProfileForm(FlaskForm):
    specialties = StringField(_l("主要专业（用；分隔）"), validators=[Length(max=300)])


@bp.route("/profile", methods=["GET", "POST"])
@role_required("school")
def profile():
    school = schools.own_school(actor())
    form = ProfileForm(obj=school)
    if done := submit(form, lambda: schools.update_profile(actor(), form.specialties.data), _("已保存学校资料。"),
                      url_for("school.home")):
        return done
    return render_template("school/profile.html", form=form, school=school)


# --- park links -------------------------------------------------------------------------------------------------

class LinkForm(FlaskForm):
    park_id = SelectField(_l("产业园"), coerce=_int)
    branch_campus = BooleanField(_l("在园区设有分校（校区）"))
    branch_address = StringField(_l("分校地址"), validators=[Length(max=200)])
    year = IntegerField(_l("对接年度"), validators=[Optional()], default=lambda: date.today().year)


class BranchForm(FlaskForm):
    branch_campus = BooleanField(_l("在园区设有分校（校区）"))
    branch_address = StringField(_l("分校地址"), validators=[Length(max=200)])


@bp.route("/links", methods=["GET", "POST"])
@role_required("school")
def links():
    q = request.args.get("q", "").strip()
    form = LinkForm()
    choices = schools.parks(q)
    form.park_id.choices = options([("", _("请选择产业园"))] + [
        (p.id, f"{p.name}（{p.county.name}）" + (_("·重点园区") if p.key_park else "")) for p in choices])
    if done := submit(form, lambda: schools.propose_link(actor(), form.park_id.data, form.branch_campus.data,
                                                         form.branch_address.data, form.year.data),
                      lambda link: _("已提交与%(park)s的对接申请，等待人社部门确认。", park=link.park.name),
                      url_for("school.links")):
        return done
    return render_template("school/links.html", form=form, links=schools.links(actor()), q=q, found=len(choices))


@bp.route("/links/<int:link_id>", methods=["GET", "POST"])
@role_required("school")
def edit_link(link_id):
    link = schools.link_for(actor(), link_id)
    form = BranchForm(obj=link)
    if done := submit(form, lambda: schools.update_branch(actor(), link_id, form.branch_campus.data,
                                                          form.branch_address.data),
                      _("已保存分校信息。"), url_for("school.links")):
        return done
    return render_template("school/link_form.html", form=form, link=link)


@bp.route("/links/<int:link_id>/withdraw", methods=["POST"])
@role_required("school")
def withdraw_link(link_id):
    attempt(lambda: schools.withdraw_link(actor(), link_id), _("已撤回对接申请。"))
    return redirect(url_for("school.links"))


@bp.route("/links/<int:link_id>/end", methods=["POST"])
@role_required("school")
def end_link(link_id):
    attempt(lambda: schools.end_link(actor(), link_id), _("已结束对接。"))
    return redirect(url_for("school.links"))


# --- order classes ----------------------------------------------------------------------------------------------

class OrderClassForm(FlaskForm):
    name = StringField(_l("班级名称"), validators=[Length(max=120)])
    enterprise_id = SelectField(_l("合作企业（位于已对接产业园）"), coerce=_int)
    trade_code = HiddenField()
    trade_text = StringField(_l("工种"))
    intake = IntegerField(_l("计划招生人数"), validators=[Optional()])
    starts_on = DateField(_l("开班日期"), validators=[Optional()])
    ends_on = DateField(_l("结业日期"), validators=[Optional()])
    vacancy_id = SelectField(_l("预留岗位（可不选）"), coerce=_int)


@bp.route("/classes/new", methods=["GET", "POST"])
@role_required("school")
def new_class():
    user = actor()
    form = OrderClassForm()
    enterprises = schools.partner_enterprises(user)
    form.enterprise_id.choices = options([("", _("请选择企业"))] + [
        (e.id, f"{e.name}（{e.park.name}）") for e in enterprises])
    form.vacancy_id.choices = options([("", _("暂不预留"))] + [
        (v.id, _("%(e)s：%(t)s（还缺 %(n)s 人）", e=v.enterprise.name, t=v.title, n=v.headcount - v.filled))
        for v in schools.partner_vacancies(user)])
    if done := submit(form, lambda: schools.create_order_class(user, as_input(form, schools.OrderClassInput)),
                      lambda oc: _("已开设订单班：%(name)s。", name=oc.name),
                      lambda oc: url_for("school.order_class", class_id=oc.id)):
        return done
    return render_template("school/class_form.html", form=form, has_partners=bool(enterprises))


@bp.route("/classes/<int:class_id>")
@role_required("school")
def order_class(class_id):
    oc = schools.order_class(actor(), class_id, "edit")
    rows = schools.class_students(oc)
    return render_template("school/class.html", oc=oc, rows=rows, candidates=schools.enrollable(actor(), oc),
                           enrolled=sum(1 for r in rows if r.status == "enrolled"))


@bp.route("/classes/<int:class_id>/enrol", methods=["POST"])
@role_required("school")
def enrol(class_id):
    ids = [i for i in (_int(v) for v in request.form.getlist("worker_ids")) if i is not None]
    attempt(lambda: schools.enrol(actor(), class_id, ids), _("已招收 %(n)s 名学员入班。", n=len(ids)))
    return redirect(url_for("school.order_class", class_id=class_id))


class StudentForm(WorkerForm):
    village_code = HiddenField(_l("户籍所在村（居）"))


@bp.route("/students")
@role_required("school")
def students():
    return render_template("school/students.html", students=schools.students(actor()))


@bp.route("/students/new", methods=["GET", "POST"])
@role_required("school")
def new_student():
    class_id = request.args.get("class_id", type=db_int)
    oc = schools.order_class(actor(), class_id, "edit") if class_id else None
    form = StudentForm()
    if done := submit(form, lambda: schools.add_student(actor(), as_input(form, workers.LedgerEntry),
                                                        form.village_code.data, class_id),
                      lambda worker: _("已登记学员 %(name)s。", name=worker.name) if oc is None else
                      _("已登记学员 %(name)s 并招收入班。", name=worker.name),
                      url_for("school.order_class", class_id=class_id) if oc else url_for("school.students")):
        return done
    return render_template("school/student_form.html", form=form, oc=oc)


# --- graduation ----------------------------------------------------------------------------------------------

class GraduationForm(FlaskForm):
    start_date = DateField(_l("入职日期"), validators=[Optional()])
    monthly_wage = IntegerField(_l("月薪（元，可不填）"), validators=[Optional(), NumberRange(1, 100000)])


@bp.route("/classes/<int:class_id>/graduate", methods=["GET", "POST"])
@role_required("school")
def graduate(class_id):
    user = actor()
    oc = schools.order_class(user, class_id, "edit")
    form = GraduationForm()
    rows = [r for r in schools.class_students(oc) if r.status == "enrolled"]
    # What the user chose stays on the page when the graduation is refused.
    chosen = {r.id: request.form.get(f"outcome-{r.id}", "") for r in rows}
    reasons = {r.id: request.form.get(f"reason-{r.id}", "") for r in rows}
    outcomes = {r.id: schools.Outcome({"1": True, "0": False}.get(chosen[r.id]), reasons[r.id]) for r in rows}
    if done := submit(form, lambda: schools.graduate(user, class_id, outcomes, form.start_date.data,
                                                     form.monthly_wage.data),
                      lambda result: _("订单班已结业：%(g)s 人入职，%(n)s 人未结业。", g=len(result.placements),
                                       n=result.not_graduated),
                      url_for("school.order_class", class_id=class_id)):
        return done
    if request.method == "GET":
        form.start_date.data = oc.ends_on if oc.ends_on and oc.ends_on >= date.today() else date.today()
    return render_template("school/graduate.html", oc=oc, rows=rows, form=form, chosen=chosen, reasons=reasons)


# --- training records -----------------------------------------------------------------------------------------

class TrainingForm(FlaskForm):
    worker_id = SelectField(_l("本校学员"), coerce=_int)
    id_number = StringField(_l("或：送培人员的身份证号"), validators=[Length(max=20)])
    course = StringField(_l("培训课程"), validators=[Length(max=120)])
    trade_code = HiddenField()
    trade_text = StringField(_l("工种"))
    mode = SelectField(_l("培训模式"), default="train_then_work")
    hours = IntegerField(_l("学时"), validators=[Optional()])
    attendance_pct = IntegerField(_l("出勤率（%）"), validators=[Optional()])
    completed = BooleanField(_l("已完成培训"))
    started_on = DateField(_l("开始日期"), validators=[Optional()])
    ended_on = DateField(_l("结束日期"), validators=[Optional()])
    cert_level = SelectField(_l("鉴定结果：证书等级（未鉴定不选）"), coerce=_int)
    cert_number = StringField(_l("证书编号"), validators=[Length(max=40)])


@bp.route("/training/new", methods=["GET", "POST"])
@role_required("school")
def new_training():
    user = actor()
    form = TrainingForm()
    form.worker_id.choices = options([("", _("（不是本校学员：填写身份证号）"))] + [
        (w.id, f"{w.name} {w.id_number_masked}") for w in schools.students(user)])
    form.mode.choices = options((k, str(v)) for k, v in TRAINING_MODE.items() if k != "none")
    form.cert_level.choices = options([("", _("未鉴定 / 不发证"))] + [(k, str(v)) for k, v in SKILL_LEVEL.items()])
    if request.method == "GET" and request.args.get("worker_id", type=db_int):
        form.worker_id.data = request.args.get("worker_id", type=db_int)

    def record():
        worker = training.trainee(user, form.worker_id.data, form.id_number.data)
        training.record(user, worker, as_input(form, training.TrainingInput))
        return worker

    if done := submit(form, record, lambda worker: _("已为 %(name)s 登记培训记录。", name=worker.name) +
                      (_("并登记了鉴定证书。") if form.cert_level.data else ""), url_for("school.new_training")):
        return done
    return render_template("school/training_form.html", form=form, records=training.recorded_by(user, 20),
                           min_attendance=training.MIN_ATTENDANCE_FOR_APPRAISAL)


# --- demand ---------------------------------------------------------------------------------------------------

@bp.route("/demand")
@role_required("school")
def demand():
    return render_template("school/demand.html", rows=schools.demand(actor()))
