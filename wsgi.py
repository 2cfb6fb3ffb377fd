"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

import gc

from webapp import create_app

app = create_app()

# What start-up made (modules, the app, compiled templates and statements) lives as long as the
# process: freeze it out of the garbage collector's sight, so that its full passes walk only
# what requests allocate. That was 5 % of the instructions of a visit write.
gc.freeze()
