"""The benchmark: a generated corpus of story clusters, ingest, scoring in-process and over HTTP."""
