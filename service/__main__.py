"""`python -m service` is `crosscheck`."""

from service.cli import app

app()
