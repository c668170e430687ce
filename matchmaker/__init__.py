"""Matchmaker: the app factory. Config, extensions, blueprints, CLI and error pages — nothing else."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    from matchmaker.config import load_config
    from matchmaker.extensions import babel, csrf, db, limiter, login_manager, migrate
    from matchmaker.web import register_web

    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_relative_config=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)

    db.init_app(app)
    from matchmaker import read_only
    read_only.init_app(app, db)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from matchmaker.web.i18n import install_template_gettext, select_locale
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(ROOT / "translations"))
    install_template_gettext(app)

    register_web(app)

    from matchmaker.cli import register_cli
    register_cli(app)
    return app
