"""Configuration: safe defaults, then instance/config.py, then PANEL_* environment variables.

Tests pass a dict to `create_app` instead of the middle two.
"""

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Config, Flask

DEFAULTS: dict[str, Any] = {
    "PANEL_ENV": "development",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": False,
    # The CSRF token lives as long as the session: a slow resident never loses a form to it.
    "WTF_CSRF_TIME_LIMIT": None,
    # Uploads (spreadsheet imports) are small; anything bigger is refused with 413.
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "PANEL_BASE_URL": "http://127.0.0.1:5000",
    # Signing in (panel/auth/services.py): failures allowed before waits begin, per account and
    # per client address; the first wait, doubled after each further failure up to the longest;
    # failures forgotten after this long without another.
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_ADDRESS_FREE_FAILURES": 20,
    "LOGIN_FIRST_WAIT_SECONDS": 60,
    "LOGIN_LONGEST_WAIT_SECONDS": 15 * 60,
    "LOGIN_FORGET_MINUTES": 60,
    "INVITE_DAYS": 7,
    "PASSWORD_HASH_PARAMS": None,
    # SQLite: how long a web request waits for the write lock before answering 503 (seconds).
    # Commands and background jobs wait 15 s (panel.database).
    "PANEL_WEB_BUSY_SECONDS": 3,
    # Mail (panel/messages/): no MAIL_SERVER means no mail server is set up, and messages wait
    # in the outbox for staff to pass on. Flask-Mail reads the MAIL_* keys.
    "MAIL_SUPPRESS_SEND": False,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_DEFAULT_SENDER": "Grant Panel <grant-panel@localhost>",
    "PANEL_MAIL_ATTEMPTS": 5,
    "PANEL_MAIL_RETRY_SECONDS": 60,
    "PANEL_MAIL_TIMEOUT": 30,
    # "Forgot your password?": links live an hour; at most this many asked per account an hour.
    "RESET_LINK_MINUTES": 60,
    "RESET_PER_HOUR": 3,
}

# Environment variables read as config; PANEL_X sets X unless the key is itself PANEL_-prefixed.
ENV_KEYS = {
    "PANEL_SECRET_KEY": "SECRET_KEY",
    "PANEL_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "PANEL_BASE_URL": "PANEL_BASE_URL",
    "PANEL_ENV": "PANEL_ENV",
    "PANEL_TRUSTED_HOSTS": "TRUSTED_HOSTS",
    "PANEL_PROXY_HOPS": "PANEL_PROXY_HOPS",
    "PANEL_WEB_BUSY_SECONDS": "PANEL_WEB_BUSY_SECONDS",
    "PANEL_REDIS_URL": "PANEL_REDIS_URL",
    "PANEL_QUEUE_FILE": "PANEL_QUEUE_FILE",
    "PANEL_MAIL_SERVER": "MAIL_SERVER",
    "PANEL_MAIL_PORT": "MAIL_PORT",
    "PANEL_MAIL_USERNAME": "MAIL_USERNAME",
    "PANEL_MAIL_PASSWORD": "MAIL_PASSWORD",
    "PANEL_MAIL_USE_TLS": "MAIL_USE_TLS",
    "PANEL_MAIL_USE_SSL": "MAIL_USE_SSL",
    "PANEL_MAIL_SENDER": "MAIL_DEFAULT_SENDER",
}

# The modes PANEL_ENV may name (in any case); anything else refuses to start.
ENVIRONMENTS = ("production", "development")

# Secret keys that are placeholders, not secrets.
WEAK_KEYS = {"dev", "development", "secret", "changeme", "change-me", "test", "test-secret-key"}


class UnsafeConfig(RuntimeError):
    """The app refuses to start (unsafe production settings, an unknown PANEL_ENV); the message
    says what to fix."""


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply defaults, then instance config and environment (or the test dict), then derived."""
    app.config.from_mapping(DEFAULTS)
    overrides = Config(app.instance_path)
    if test_config is None:
        overrides.from_pyfile("config.py", silent=True)
        for env_key, config_key in ENV_KEYS.items():
            if os.environ.get(env_key):
                overrides[config_key] = os.environ[env_key]
    else:
        overrides.from_mapping(test_config)
    app.config.update(overrides)

    app.config["MAIL_PORT"] = int(app.config["MAIL_PORT"])
    for flag in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        value = app.config[flag]
        if isinstance(value, str):
            app.config[flag] = value.strip().lower() in ("1", "true", "yes", "on")

    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()]
    app.config["PANEL_ENV"] = _environment(app.config.get("PANEL_ENV"))
    if app.config["PANEL_ENV"] == "production":
        _production(app, explicit=set(overrides))

    # A failing statement's parameters (an applicant's details) never reach an error message.
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "hide_parameters": True}

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "panel.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _environment(value: Any) -> str:
    """PANEL_ENV lower-cased and trimmed; refuse to start on a value that names no mode.

    A misspelt "Production" must never quietly run with development's settings.
    """
    name = str(value or "").strip().lower()
    if name not in ENVIRONMENTS:
        raise UnsafeConfig(
            f"Refusing to start: PANEL_ENV is {value!r}. "
            "Set it to production (on a live site) or development (on your own computer)."
        )
    return name


def _instance_secret_key(instance: Path) -> str:
    """Read instance/secret_key, creating it (mode 0600) with a fresh random key on first run."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    return key


def _production(app: Flask, *, explicit: set[str]) -> None:
    """Force secure cookies and refuse to start with debug, a weak key or unsafe cookies."""
    problems = []
    debug_env = os.environ.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes")
    if app.config.get("DEBUG") or debug_env:
        problems.append("DEBUG is on: turn it off (unset FLASK_DEBUG and DEBUG)")
    key = str(app.config.get("SECRET_KEY") or "")
    if "SECRET_KEY" not in explicit:
        problems.append("no secret key: set PANEL_SECRET_KEY (64 random hex characters)")
    elif key.lower() in WEAK_KEYS or len(key) < 32:
        problems.append("the secret key is too short or a placeholder: use 32+ random characters")
    if app.config.get("SESSION_COOKIE_DOMAIN") or app.config.get("REMEMBER_COOKIE_DOMAIN"):
        problems.append("SESSION_COOKIE_DOMAIN is set: __Host- cookies belong to one host only")
    for name in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        if f"{name}_SECURE" in explicit and not app.config[f"{name}_SECURE"]:
            problems.append(f"{name}_SECURE is off: cookies must only travel over HTTPS")
        if not app.config.get(f"{name}_HTTPONLY"):
            problems.append(f"{name}_HTTPONLY is off: scripts must not read the cookie")
        if app.config.get(f"{name}_SAMESITE") not in ("Lax", "Strict"):
            problems.append(f"{name}_SAMESITE must be Lax or Strict")
    if problems:
        raise UnsafeConfig("Refusing to start in production: " + "; ".join(problems) + ".")
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = True
    # The __Host- prefix makes browsers keep the cookie only if it is Secure, for Path=/ and
    # without a Domain: no other site or subdomain can set or overwrite it.
    app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    app.config["REMEMBER_COOKIE_NAME"] = "__Host-remember_token"
    app.config["SESSION_COOKIE_PATH"] = "/"
    app.config["REMEMBER_COOKIE_PATH"] = "/"
    app.config["PREFERRED_URL_SCHEME"] = "https"
    app.config["PROPAGATE_EXCEPTIONS"] = False
