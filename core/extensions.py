"""Flask extension singletons, initialised in :func:`core.app.create_app`."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from core.db import db

babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()

__all__ = ["db", "babel", "login_manager", "csrf"]
