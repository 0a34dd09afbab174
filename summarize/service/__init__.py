"""The service (``summarize serve``): the models loaded once, behind an HTTP API that speaks
LibreTranslate's (so its clients — libretranslatepy, deep-translator, Weblate — work unchanged) and
our own (/summarize, /digest jobs, the archive's pages).

  server.py          the models loaded, uvicorn started and stopped
  app.py             the application: middleware, error shapes, the routers, the archive at /
  libretranslate.py  LibreTranslate's routes: /translate, /detect, /languages
  routes.py          ours: /summarize, /digest jobs, /health, /metrics
  handling.py        what every route does first and last: admit the caller, await the queue
  params.py          a request's parameters, from JSON or form bodies alike; the body cap
  access.py          API keys, per-key request rates and size limits
  queue.py           one generation thread fed by every request: batches across requests, a fair share each
  jobs.py            /digest jobs, run one at a time beside the requests
  markup.py          format=html: the text nodes translated, the markup kept
  metrics.py         the counters /metrics shows (Prometheus)
  errors.py          the ``{"error": …}`` answers, shaped as LibreTranslate shapes them

FastAPI, uvicorn and torch are imported only by these modules, never by ``summarize --help``."""
