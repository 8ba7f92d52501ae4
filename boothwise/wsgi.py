"""WSGI entry point for production servers (gunicorn boothwise.wsgi)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boothwise.settings")
application = get_wsgi_application()
