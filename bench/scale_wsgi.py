"""WSGI entry points for ``bench.scale --load``: the app, and the floor that replays captured SQL.

gunicorn -w 2 --threads 4 'bench.scale_wsgi:app'      # LOTSE_DATABASE_URL = the app role
gunicorn -w 2 --threads 4 'bench.scale_wsgi:floor'    # plus LOTSE_BENCH_FLOOR = pickle file
"""

from __future__ import annotations

import os
import pickle


def __getattr__(name: str):
    if name == "app":
        from core.app import create_app

        return create_app({"LOTSE_LOGIN_FAILURES_PER_ACCOUNT": 10**6})
    if name == "floor":
        from bench.scale import floor_app

        with open(os.environ["LOTSE_BENCH_FLOOR"], "rb") as fh:
            captured = pickle.load(fh)  # noqa: S301 - our own file, written by bench.scale
        return floor_app(os.environ["LOTSE_DATABASE_URL"], captured)
    raise AttributeError(name)
