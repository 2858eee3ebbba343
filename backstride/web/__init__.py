"""The web interface: a FastAPI app over the services, built by `create_app(settings)`.

The JSON API lives under /api/v1 with the command line's contracts; every error answers in
one shape (see `errors`). Routes parse the request, call a service and render its document.
"""
