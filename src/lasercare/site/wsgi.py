"""The WSGI application that `lasercare serve` (gunicorn) runs."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lasercare.site.settings")
application = get_wsgi_application()
