"""Settings from the environment, with safe defaults.

Secrets are never constants in the code: when SECRET_KEY or PII_KEYS are not given, a random value is
generated once and kept in the instance folder, so restarts keep sessions and encrypted data readable.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet


def _instance_secret(instance_path: str, filename: str, make) -> str:
    path = Path(instance_path) / filename
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # Written with owner-only permissions: these files are keys.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def load_config(instance_path: str) -> dict:
    env = os.environ
    db_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'matchmaker.sqlite'}"
    secure = env.get("SESSION_COOKIE_SECURE", "0") == "1"
    return {
        "SECRET_KEY": env.get("SECRET_KEY")
        or _instance_secret(instance_path, "secret_key", lambda: secrets.token_hex(32)),
        # Comma-separated Fernet keys, newest first: MultiFernet decrypts with any, encrypts with the first.
        "PII_KEYS": env.get("PII_KEYS")
        or _instance_secret(instance_path, "pii_keys", lambda: Fernet.generate_key().decode()),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") == "1",
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10/minute"),
        "SEED_DIR": env.get("SEED_DIR") or str(Path(__file__).resolve().parent.parent / "seed"),
    }
