"""Signals other capabilities subscribe to, so the survey journey never imports them.

``response_submitted`` is sent after the response's transaction has committed; receivers (theme
tagging, safeguarding alerts) must never make the child's submission fail.
"""

from blinker import Namespace

_signals = Namespace()

response_submitted = _signals.signal("response-submitted")
