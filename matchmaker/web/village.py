"""Village coordinator (村级协调员) pages: the labour ledger, its bulk import and its export."""
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matchmaker.services import ledger_export, ledger_import, village_stats, workers
from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.web.access import actor, role_required
from matchmaker.web.downloads import attachment
from matchmaker.web.forms import REFUSED, as_input, attempt, db_int, options, posted_date, posted_int, submit
from matchmaker.vocabulary import EDUCATION, RADIUS

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
        self.education.choices = options((k, str(v)) for k, v in EDUCATION.items())
        self.radius.choices = options((k, str(v)) for k, v in RADIUS.items())


@bp.route("/")
@role_required("coordinator")
def home():
    user = actor()
    page = workers.ledger_page(user, user.village, request.args.get("page", 1, type=db_int),
                               search=request.args.get("q", ""))
    return render_template("village/home.html", village=user.village, summary=workers.ledger_summary(user.village),
                           page=page, q=request.args.get("q", ""))


@bp.route("/stats")
@role_required("coordinator")
def stats():
    user = actor()
    return render_template("village/stats.html", village=user.village,
                           stats=village_stats.village_stats(user, user.village))


@bp.route("/workers/new", methods=["GET", "POST"])
@role_required("coordinator")
def new_worker():
    form, user = WorkerForm(), actor()
    if done := submit(form, lambda: workers.add_to_ledger(user, user.village, as_input(form, workers.LedgerEntry)),
                      lambda worker: _("已将 %(name)s 登记到台账。", name=worker.name), url_for("village.home")):
        return done
    return render_template("village/worker_form.html", form=form)


# --- bulk import and export of the ledger ----------------------------------------------------------------------



class UploadForm(FlaskForm):
    file = FileField(_l("台账文件（.xlsx 或 .csv）"), validators=[FileRequired(_l("请选择要上传的文件。"))])


class ConfirmForm(FlaskForm):
    pass


@bp.route("/import", methods=["GET", "POST"])
@role_required("coordinator")
def import_upload():
    form = UploadForm()
    if form.validate_on_submit():
        user = actor()
        upload = form.file.data
        try:
            token = ledger_import.stage(user, user.village, upload.read(), upload.filename or "")
        except (NotFound, Forbidden):
            raise
        except DomainError as e:
            form.file.errors = list(form.file.errors) + [e.message]
        else:
            return redirect(url_for("village.import_preview", token=token))
    return render_template("village/import.html", form=form, columns=ledger_import.COLUMNS)


@bp.route("/import/template.xlsx")
@role_required("coordinator")
def import_template():
    return attachment(ledger_export.template(), _("劳动力台账导入模板.xlsx"), "ledger-template.xlsx")


@bp.route("/import/<token>")
@role_required("coordinator")
def import_preview(token):
    upload = ledger_import.load_upload(actor(), token)
    return render_template("village/import_preview.html", upload=upload, preview=upload.preview,
                           form=ConfirmForm())


@bp.route("/import/<token>/confirm", methods=["POST"])
@role_required("coordinator")
def import_confirm(token):
    if attempt(lambda: ledger_import.confirm(actor(), token),
               lambda count: _("已将 %(n)s 人导入台账。", n=count)) is REFUSED:
        return redirect(url_for("village.import_preview", token=token))
    return redirect(url_for("village.home"))


@bp.route("/import/<token>/errors.xlsx")
@role_required("coordinator")
def import_errors(token):
    rows, errors = ledger_import.error_rows(actor(), token)
    return attachment(ledger_export.error_report(rows, errors), _("台账导入错误报告.xlsx"),
                          "ledger-import-errors.xlsx")


@bp.route("/ledger.xlsx")
@role_required("coordinator")
def ledger_xlsx():
    user = actor()
    data, _count, name = ledger_export.export_ledger(user, user.village)
    return attachment(data, name, f"ledger-{date.today().isoformat()}.xlsx")


@bp.app_errorhandler(413)
def too_large(e):
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    return render_template("errors/error.html", status=413,
                           message=_("上传的文件太大（不能超过 %(mb)s MB）。请删除无关的工作表和内容，或分成几个文件上传。",
                                     mb=limit)), 413


# --- one worker: view (masked) and edit ----------------------------------------------------------------------------


def _checked(name: str) -> bool:
    return request.form.get(name) in ("1", "y", "on")


def _worker_action(user, worker_id: int, action: str):
    version = request.form.get("version")
    if action == "profile":
        profile = workers.Profile(
            phone=request.form.get("phone", ""), education=posted_int("education"),
            radius=request.form.get("radius", ""), min_wage=posted_int("min_wage"),
            willing_to_train=_checked("willing_to_train"), available_from=posted_date("available_from"),
            poor_household=_checked("poor_household"), no_employed_member=_checked("no_employed_member"))
        return workers.update_profile(user, worker_id, version, profile), _("已保存。")
    if action in ("not_seeking", "available"):
        return workers.set_seeking(user, worker_id, version, action == "available"), _("已更新求职状态。")
    if action == "add_skill":
        return workers.add_skill(user, worker_id, version, request.form.get("trade", ""), posted_int("level")), \
            _("已添加技能。")
    if action == "remove_skill":
        return workers.remove_skill(user, worker_id, version, posted_int("skill_id")), _("已删除技能。")
    if action == "remove_certificate":
        return workers.remove_certificate(user, worker_id, version, posted_int("item_id")), _("已删除证书。")
    if action == "remove_training":
        return workers.remove_training(user, worker_id, version, posted_int("item_id")), _("已删除培训记录。")
    if action == "add_certificate":
        return workers.add_certificate(user, worker_id, version, request.form.get("trade", ""), posted_int("level"),
                                       request.form.get("number", ""), posted_date("issued_on")), _("已添加证书。")
    if action == "add_training":
        return workers.add_training(user, worker_id, version, request.form.get("course", ""),
                                    request.form.get("trade", ""), posted_int("hours") or 0,
                                    _checked("completed")), _("已添加培训记录。")
    raise DomainError(_("无效的操作。"))


@bp.route("/workers/<int:worker_id>", methods=["GET", "POST"])
@role_required("coordinator")
def worker(worker_id):
    user = actor()
    record = workers.worker_for_edit(user, worker_id)
    error = None
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            _result, message = _worker_action(user, worker_id, action)
        except (NotFound, Forbidden):
            raise
        except DomainError as e:
            error = e
            record = workers.worker_for_edit(user, worker_id)
        else:
            flash(message, "success")
            return redirect(url_for("village.worker", worker_id=worker_id))
    share, missing = workers.completeness(record)
    typed = request.form if error is not None else {}
    return render_template("village/worker.html", w=record, share=share, missing=missing, error=error,
                           typed=typed, typed_action=typed.get("action", ""), education=EDUCATION,
                           radius=RADIUS), (400 if error is not None else 200)
