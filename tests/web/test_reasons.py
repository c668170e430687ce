"""Every reason the engine can give has a translatable text here, equal to the engine's own Chinese."""
import re

import pytest
from flask_babel import force_locale

from matchmaker.matching.messages import REASON_KEYS, TEMPLATES
from matchmaker.web.reasons import REASON_TEXT, render_reason

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
