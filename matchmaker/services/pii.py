"""Personal data at rest: encryption (MultiFernet, rotatable keys), a keyed blind index, and display masks."""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


@lru_cache(maxsize=4)
def _cipher(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


def _keys() -> str:
    return current_app.config["PII_KEYS"]


def encrypt(value: str) -> str:
    return _cipher(_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _cipher(_keys()).decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value: lets the database enforce uniqueness without holding the value."""
    key = hashlib.sha256(("blind-index:" + _keys().split(",")[-1].strip()).encode()).digest()
    return hmac.new(key, value.upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """4401**********1234: at most 4 + 4 digits shown."""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
