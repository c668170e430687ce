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


def id_number_columns(id_number: str, index: str | None = None) -> dict:
    """How a worker's ID number is stored: encrypted, blind-indexed (``index`` when the caller already has
    it) and masked for display; never in clear."""
    return {"id_number_enc": encrypt(id_number), "id_number_index": index or blind_index(id_number),
            "id_number_masked": mask_id_number(id_number)}


def phone_columns(phone: str) -> dict:
    """How a worker's phone is stored: encrypted and masked; no phone is NULL and an empty mask."""
    return {"phone_enc": encrypt(phone) if phone else None, "phone_masked": mask_phone(phone) if phone else ""}
