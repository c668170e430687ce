"""Flask extensions: created here once, bound to the app in create_app."""
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from matchmaker.orm import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(get_remote_address, default_limits=[])


@limiter.request_filter
def _reading_is_not_limited() -> bool:
    # The app's limits are on the sign-in forms' POSTs (web/auth.py): a page read with GET skips the limiter's
    # look-up of limits, some 2% of the CPU of a page.
    return request.method in ("GET", "HEAD")
