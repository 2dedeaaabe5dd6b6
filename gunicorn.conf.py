"""Production server settings: `gunicorn -c gunicorn.conf.py "feedback_app:create_app()"`.

The tagger's spaCy pipelines load once in the master before workers fork, so no child waits for a
worker's first model load after pressing Send. The access log leaves out the client address
(security-privacy requirement 2).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "4"))
threads = int(os.environ.get("WEB_THREADS", "4"))
preload_app = True
accesslog = "-"
access_log_format = '- %(t)s "%(r)s" %(s)s %(b)s %(M)sms'


def on_starting(server):  # type: ignore[no-untyped-def]
    """Load the shipped models in the master so forked workers share them."""
    from nlp import load_tagger

    load_tagger()
