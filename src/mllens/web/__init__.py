"""The web app (`mllens serve`): JSON API, server-rendered pages, users, roles and tokens.

Importing this package loads nothing heavy; `mllens.web.app.create_app` builds the
FastAPI application (extra `web`)."""
