"""forms.submit, the one way a form view's POST runs its service call."""
import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from werkzeug.exceptions import Forbidden as HTTPForbidden
from werkzeug.exceptions import NotFound as HTTPNotFound
from wtforms import StringField

from matchmaker.services.errors import DomainError, Forbidden, NotFound
from matchmaker.web.forms import submit


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def _post(app, **data):
    return app.test_request_context("/", method="POST", data=data or {"name": "张三"})


def _raise(error):
    def action():
        raise error
    return action


def test_a_refusal_goes_beside_its_field_and_the_form_is_shown_again(app):
    with _post(app):
        form = NameForm()
        assert submit(form, _raise(DomainError("名字不对", "name")), "好", "/next") is None
        assert form.name.errors == ["名字不对"] and form.name.data == "张三"
        assert submit(form, _raise(DomainError("整体不行")), "好", "/next") is None
        assert get_flashed_messages(with_categories=True) == [("error", "整体不行")]


def test_success_is_flashed_and_redirected_with_the_result(app):
    with _post(app):
        done = submit(NameForm(), lambda: 7, lambda n: f"第 {n} 号", lambda n: f"/items/{n}")
        assert done.status_code == 302 and done.headers["Location"] == "/items/7"
        assert get_flashed_messages(with_categories=True) == [("success", "第 7 号")]


@pytest.mark.parametrize("error, page", [(NotFound("没有"), HTTPNotFound), (Forbidden("不许"), HTTPForbidden)])
def test_missing_and_forbidden_objects_are_error_pages_not_form_messages(app, error, page):
    with _post(app):
        with pytest.raises((type(error), page)):
            submit(NameForm(), _raise(error), "好", "/next")


def test_a_get_or_an_invalid_form_runs_nothing(app):
    ran = []
    with app.test_request_context("/"):
        assert submit(NameForm(), lambda: ran.append(1), "好", "/next") is None
    assert ran == []
