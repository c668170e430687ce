"""Village coordinator (村级协调员) pages: the labour ledger."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matchmaker.services import workers
from matchmaker.services.errors import DomainError
from matchmaker.web.access import actor, role_required
from matchmaker.web.forms import show_error
from matchmaker.web.labels import EDUCATION, RADIUS

bp = Blueprint("village", __name__, url_prefix="/village")


class WorkerForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=40)])
    id_number = StringField(_l("身份证号"), validators=[DataRequired(_l("请填写身份证号。"))])
    phone = StringField(_l("手机号（可选）"), validators=[Optional()])
    education = SelectField(_l("文化程度"), coerce=int, default=2)
    radius = SelectField(_l("意向就业范围"), default="city")
    min_wage = IntegerField(_l("期望最低月薪（元）"), validators=[Optional(), NumberRange(0, 100000, _l("请输入 0–100000 之间的金额。"))])
    willing_to_train = BooleanField(_l("愿意参加培训"))
    poor_household = BooleanField(_l("建档立卡贫困户（脱贫户）"))
    no_employed_member = BooleanField(_l("零就业家庭"))
    available_from = DateField(_l("可上岗日期"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.education.choices = [(k, str(v)) for k, v in EDUCATION.items()]
        self.radius.choices = [(k, str(v)) for k, v in RADIUS.items()]


@bp.route("/")
@role_required("coordinator")
def home():
    user = actor()
    page = workers.ledger_page(user, user.village, request.args.get("page", 1, type=int),
                               search=request.args.get("q", ""))
    return render_template("village/home.html", village=user.village, summary=workers.ledger_summary(user.village),
                           page=page, q=request.args.get("q", ""))


@bp.route("/workers/new", methods=["GET", "POST"])
@role_required("coordinator")
def new_worker():
    form = WorkerForm()
    if form.validate_on_submit():
        user = actor()
        entry = workers.LedgerEntry(**{f: form[f].data for f in workers.LedgerEntry.__dataclass_fields__})
        try:
            worker = workers.add_to_ledger(user, user.village, entry)
        except DomainError as e:
            show_error(form, e)
        else:
            flash(_("已将 %(name)s 登记到台账。", name=worker.name), "success")
            return redirect(url_for("village.home"))
    return render_template("village/worker_form.html", form=form)
