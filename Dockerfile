# syntax=docker/dockerfile:1
# crosscheck: one uvicorn process tree per container (CROSSCHECK_WORKERS workers inside it).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir -p service migrations \
    && touch service/__init__.py migrations/env.py \
    && pip install . \
    && pip uninstall --yes crosscheck
COPY service ./service
COPY migrations ./migrations
RUN pip install --no-deps .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CROSSCHECK_HOST=0.0.0.0 \
    CROSSCHECK_PORT=8000 \
    CROSSCHECK_WORKERS=2 \
    CROSSCHECK_DATABASE_URL=sqlite:////data/crosscheck.db
RUN groupadd --system --gid 10001 crosscheck \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home crosscheck \
    && mkdir -p /data /app \
    && chown 10001:10001 /data /app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('CROSSCHECK_PORT', '8000'), timeout=2)"]
# Schema changes are an explicit deploy step on PostgreSQL: `docker run IMAGE crosscheck migrate`.
CMD ["crosscheck", "serve"]
