"""Where each role lands, and safe redirects."""
from urllib.parse import urlsplit

from flask import url_for

HOME_ENDPOINT = {"seeker": "seeker.home", "enterprise": "enterprise.home", "coordinator": "village.home",
                 "school": "school.home", "bureau": "bureau.home"}


def home_for(user) -> str:
    return url_for(HOME_ENDPOINT[user.role])


def safe_next(target: str | None) -> str | None:
    """Only a local path may be a redirect target (no scheme, no host, no '//')."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
