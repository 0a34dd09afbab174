"""The service (``summarize serve``): the models loaded once, behind an HTTP API that speaks
LibreTranslate's (so its clients — libretranslatepy, deep-translator, Weblate — work unchanged) and
our own (/summarize, /digest jobs, the archive's pages).

  errors.py    the ``{"error": …}`` answers, shaped as LibreTranslate shapes them
  params.py    a request's parameters, from JSON or form bodies alike; the body cap
  access.py    API keys, per-key request rates and size limits
  queue.py     one generation thread fed by every request: batches across requests, a fair share each
  markup.py    format=html: the text nodes translated, the markup kept
  jobs.py      /digest jobs, run one at a time beside the requests
  metrics.py   the counters /metrics shows (Prometheus)
  app.py       the routes
  server.py    the models loaded, uvicorn started and stopped

FastAPI, uvicorn and torch are imported only by these modules, never by ``summarize --help``."""
