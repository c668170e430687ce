"""Chinese is the source language; every string the code or a template shows must have an English translation,
and the compiled catalogue must match the .po."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/en/LC_MESSAGES/messages.po"
MO = ROOT / "translations/en/LC_MESSAGES/messages.mo"


#: Babel skips "_"-prefixed directories by default, which hid templates/_macros: only dot dirs and caches here
EXTRACT = ('pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --ignore-dirs ".* __pycache__" '
           "-o translations/messages.pot . && pybabel update -i translations/messages.pot -d translations "
           "--no-fuzzy-matching")


def _scanned(dirpath) -> bool:
    name = Path(dirpath).name
    return not name.startswith(".") and name != "__pycache__"


def _source_msgids() -> set[str]:
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    ids = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map,
                                                keywords={"_": None, "gettext": None, "_l": None,
                                                          "lazy_gettext": None, "ngettext": (1, 2)},
                                                directory_filter=_scanned):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_user_facing_string_has_an_english_translation():
    with open(PO, "rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_source_msgids() - translated)
    assert not missing, f"run {EXTRACT} and translate: {missing[:10]}"


def test_compiled_catalogue_matches_the_po():
    with open(PO, "rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id}
    with open(MO, "rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert po == mo, "run: pybabel compile -d translations"


def test_macros_are_scanned():
    assert "上一页" in _source_msgids()  # templates/_macros/forms.html


def test_template_gettext_translates_escapes_the_variables_and_formats_always(app):
    """Templates' `_()` is our one-call version of Jinja's newstyle gettext: it must behave exactly like it."""
    from flask_babel import force_locale

    from matchmaker.web.i18n import template_gettext
    assert app.jinja_env.globals["_"] is app.jinja_env.globals["gettext"] is template_gettext
    with app.test_request_context("/"):
        page = app.jinja_env.from_string(
            "{{ _('技能') }}|{{ _('%(n)s 岁', n='<b>') }}|{{ gettext('资料完整度 %(p)s%%', p=5) }}")
        assert page.render() == "技能|&lt;b&gt; 岁|资料完整度 5%"
    with app.test_request_context("/"), force_locale("en"):
        assert page.render() == "Skills|&lt;b&gt; years old|Profile 5% complete"


def test_remembered_translations_follow_the_locale_and_need_no_request(app):
    """Labels, reasons and templates' strings are looked up once per catalogue and remembered: the memo must
    answer in the locale of the moment, also when force_locale switches it within a request."""
    from flask_babel import force_locale

    from matchmaker.vocabulary import SKILL_LEVEL, label, translated
    from matchmaker.web.reasons import render_reason
    with app.test_request_context("/"):
        for _ in range(2):  # the first answer is looked up, the second remembered
            assert label("skill_level", 2) == "四级/中级工" and translated("技能") == "技能"
            assert render_reason("skill_match", {"trade": "焊工", "level": 2}) == "掌握焊工技能（四级/中级工）"
        with force_locale("en"):
            assert label("skill_level", 2) == str(SKILL_LEVEL[2]) != "四级/中级工"
            assert translated("技能") == "Skills"
        assert label("skill_level", 2) == "四级/中级工" and translated("技能") == "技能"
        assert label("skill_level", 99) == "99"  # an unknown code reads as itself
    with app.test_request_context("/", headers={"Cookie": ""}):
        with force_locale("en"):
            assert label("sex", "F") == "Female"
    assert label("sex", "F") == "女"  # outside a request: the default locale
