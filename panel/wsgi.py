"""The app for a WSGI server: `gunicorn 'panel.wsgi:app'`.

Once the app is built, everything loaded so far is moved out of the garbage collector's sight
(`gc.freeze()`): the modules, the app and its config live as long as the worker, and without
this every full collection walks them all again. On the results page of a 500-application
round, full collections were adding about 50 ms to every other request.
"""

import gc

from panel import create_app

app = create_app()
gc.collect()
gc.freeze()
