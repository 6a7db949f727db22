"""Piccolo's configuration module (PICCOLO_CONF=course.piccolo_conf).

``DB`` is replaced by :func:`course.db.use_engine` when the app or the command
line starts; the value here serves Piccolo's own command line.
"""

import os

from piccolo.conf.apps import AppRegistry

from course.db import engine_from_url

DB = engine_from_url(os.environ.get("KJK_DATABASE_URL") or "sqlite:///var/kjk.sqlite")

APP_REGISTRY = AppRegistry(apps=["course.piccolo_app"])
