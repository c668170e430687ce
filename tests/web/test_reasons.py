"""Every reason the engine can give has a translatable text here, equal to the engine's own Chinese; a score
card's figures are formatted as the cards show them."""
import gc
import re
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from matchmaker.matching.messages import REASON_KEYS, TEMPLATES
from matchmaker.web.reasons import REASON_TEXT, render_reason, score_figures

SAMPLE = {"trade": "电工", "status": "employed", "age": 30, "min": 18, "max": 45, "level": 2, "required_level": 3,
          "required": "焊工", "mode": "work_then_train", "from": "output", "to": "park", "km": 35, "cap": 10,
          "radius_km": 60, "percent": 60}


def test_reason_texts_are_the_engines_chinese():
    assert set(REASON_TEXT) == set(REASON_KEYS)
    for key in REASON_KEYS:
        assert REASON_TEXT[key]._args[0] == TEMPLATES["zh_CN"][key], key


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_reason_renders(app, locale):
    with app.test_request_context(), force_locale(locale):
        for key in REASON_KEYS:
            text = render_reason(key, SAMPLE)
            assert "%(" not in text and text
            if locale == "en":
                assert not re.search(r"[\u4e00-\u9fff]{3,}", text.replace("电工", "").replace("焊工", "").replace("一企一村", "")), text


class _Explanation(SimpleNamespace):
    """An explanation's fields, and, like the engine's, weakly referenceable (score cards are kept by them)."""


def _explanation(**fields):
    base = dict(total=83.46, skill=0.95, location=0.25, training=0.0, bonus=0.0, coverage=0.845,
                reasons=[("skill_match", {"trade": "焊工", "level": 3}), ("willing_to_train", {})])
    return _Explanation(**{**base, **fields})


def test_score_figures_are_formatted_for_the_card(app):
    with app.test_request_context(), force_locale("zh_CN"):
        card = score_figures(_explanation())
        assert card.total == "83"
        # bars in steps of 10 %, rounded half to even as Jinja's round filter did: 9.5 → 10, 2.5 → 2
        assert card.parts == (("技能", 100, "95"), ("距离", 20, "25"), ("培训", 0, "0"))
        assert card.bonus is None and card.coverage == 84
        assert card.reasons == ("掌握焊工技能（三级/高级工）", "愿意参加培训")
        assert score_figures(_explanation(bonus=4.5)).bonus == "4"
    with app.test_request_context(), force_locale("en"):
        assert [name for name, _w, _p in score_figures(_explanation()).parts] == ["Skills", "Distance", "Training"]


def test_a_score_card_escapes_its_reasons(app):
    with app.test_request_context(), force_locale("zh_CN"):
        html = app.jinja_env.from_string('{% from "_macros/score.html" import score_card %}{{ score_card(ex) }}') \
            .render(ex=_explanation(reasons=[("skill_match", {"trade": "<b>焊工</b>", "level": 3})]))
    assert "&lt;b&gt;焊工&lt;/b&gt;" in html and "<b>" not in html
    assert 'class="fill w100"' in html and "83</strong>" in html


def test_a_score_card_is_rendered_once_per_explanation_and_language(app, monkeypatch):
    from matchmaker.web import reasons
    made = []  # the reasons worded, two a card
    real = reasons.render_reason
    monkeypatch.setattr(reasons, "render_reason", lambda key, params: made.append(key) or real(key, params))
    monkeypatch.setattr(reasons, "_cards", {})
    ex, other = _explanation(), _explanation(total=41.2)
    page = '{{ score_card(ex) }}'
    with app.test_request_context(), force_locale("zh_CN"):
        first = app.jinja_env.from_string(page).render(ex=ex)
        assert app.jinja_env.from_string(page).render(ex=ex) == first and len(made) == 2
        # the same card as the macro renders, escaped the same
        macro = '{% from "_macros/score.html" import score_card as card %}{{ card(ex) }}'
        assert app.jinja_env.from_string(macro).render(ex=ex) == first and "技能" in first
        assert "41</strong>" in app.jinja_env.from_string(page).render(ex=other)  # another explanation: its own
    with app.test_request_context(), force_locale("en"):
        english = app.jinja_env.from_string(page).render(ex=ex)
    assert "Skills" in english and "技能" not in english and len(made) == 2 + 2 + 2 + 2  # the macro's own too
    assert len(reasons._cards) == 3
    del other  # an explanation gone (a page's own, or forgotten with its index state): its card goes with it
    gc.collect()
    assert len(reasons._cards) == 2
    monkeypatch.setattr(reasons, "CARDS_KEPT", 2)
    with app.test_request_context(), force_locale("zh_CN"):
        kept = _explanation(total=12.0)
        app.jinja_env.from_string(page).render(ex=kept)
    assert len(reasons._cards) <= 2
