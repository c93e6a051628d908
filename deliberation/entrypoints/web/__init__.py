"""The web application: staff pages, the pages behind links in emails, one ASGI app.

``create_app(application)`` builds it from the composition root's
``Application``; ``deliberation web`` serves it with uvicorn.
"""

from deliberation.entrypoints.web.app import create_app

__all__ = ["create_app"]
