"""A small news site on 127.0.0.1 for the fetch tests: feeds (RSS 2.0, RSS 1.0, Atom), article pages
wrapped in navigation, share bars, related links and footers, and broken items. It records every
request it sees (path and headers) and how many were in flight at once."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAV = "الرئيسية أخبار عربية اقتصاد رياضة اتصل بنا"
SHARE = "شارك المقال على فيسبوك تويتر واتساب"
RELATED = "اقرأ أيضا: أسعار النفط ترتفع في الأسواق الآسيوية"
FOOTER = "جميع الحقوق محفوظة لشبكة الأخبار 2024 سياسة الخصوصية"
BOILERPLATE = (NAV, SHARE, RELATED, FOOTER)

# Sentences of news prose to build article bodies from (each article takes its own mix).
SENTENCES = [
    "أعلن التحالف الدولي ضد تنظيم داعش اليوم عن انتهاء المرحلة الأولى من العمليات العسكرية في شرق سوريا.",
    "وقال المتحدث باسم التحالف إن القوات المحلية استعادت السيطرة على عشرات القرى خلال الأسبوع الماضي.",
    "وأضاف أن الغارات الجوية استهدفت مواقع التنظيم ومخازن الأسلحة قرب الحدود العراقية.",
    "وأكدت وزارة الدفاع العراقية أن التنسيق مع التحالف مستمر لمنع عودة الخلايا النائمة.",
    "وفي العاصمة بغداد عقد وزراء خارجية دول التحالف اجتماعا لبحث مستقبل المهمة في المنطقة.",
    "وأشار البيان الختامي إلى ضرورة دعم جهود إعادة الإعمار وعودة النازحين إلى مدنهم.",
    "من جهة أخرى ارتفعت أسعار النفط في الأسواق العالمية بعد قرار منظمة أوبك خفض الإنتاج.",
    "وقال محللون إن الأسعار قد تواصل الارتفاع حتى نهاية العام الجاري.",
    "وفي الرياض افتتح معرض الكتاب الدولي بمشاركة أكثر من ألف دار نشر من ثلاثين دولة.",
    "ويستمر المعرض عشرة أيام ويتضمن ندوات وأمسيات شعرية وورش عمل للأطفال.",
]


def article_page(title: str, paragraphs: list[str], *, site: str = "شبكة الأخبار", date: str = "2024-05-03",
                 author: str | None = None) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    byline = f'<meta name="author" content="{author}">' if author else ""
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T09:00:00+03:00">{byline}
</head><body>
<header><nav><ul>{"".join(f"<li><a href='/s/{i}'>{w}</a></li>" for i, w in enumerate(NAV.split()))}</ul></nav></header>
<main><article><h1>{title}</h1>
<div class="share">{SHARE}</div>
{body}
</article>
<aside class="related"><h3>مواضيع ذات صلة</h3><ul><li><a href="/r/1">{RELATED}</a></li></ul></aside>
</main>
<footer><p>{FOOTER}</p></footer>
</body></html>"""


def rss(title: str, items: list[dict], *, link: str = "http://127.0.0.1/") -> str:
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        + (f"<pubDate>{i['date']}</pubDate>" if i.get("date") else "") + "</item>" for i in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>{link}</link><description>news</description>{entries}</channel></rss>"""


def atom(title: str, items: list[dict]) -> str:
    entries = "".join(
        f"<entry><title>{i['title']}</title><link rel='alternate' href='{i['link']}'/><id>{i['link']}</id>"
        f"<published>{i['date']}</published><updated>{i['date']}</updated></entry>" for i in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title><id>urn:x</id><updated>2024-05-03T00:00:00Z</updated>{entries}</feed>"""


def rdf(title: str, items: list[dict]) -> str:
    entries = "".join(
        f"<item rdf:about='{i['link']}'><title>{i['title']}</title><link>{i['link']}</link>"
        f"<dc:date>{i['date']}</dc:date></item>" for i in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="x"><title>{title}</title><link>http://x/</link>
<description>d</description></channel>{entries}</rdf:RDF>"""


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    etag: str | None = None  # answers If-None-Match with 304


class NewsSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                site._serve(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes = b"", **route) -> str:
        self.routes[path] = Route(body=body.encode() if isinstance(body, str) else body, **route)
        return self.url(path)

    def seen(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``."""
        return [headers for p, headers in self.requests if p == path]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append((path, headers))
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            route = self.routes.get(path)
            if route is None:
                handler.send_response(404)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            if route.delay:
                time.sleep(route.delay)
            if route.etag and headers.get("if-none-match") == route.etag:
                handler.send_response(304)
                handler.send_header("ETag", route.etag)
                handler.end_headers()
                return
            handler.send_response(route.status)
            handler.send_header("Content-Type", route.content_type)
            handler.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                handler.send_header("ETag", route.etag)
                handler.send_header("Last-Modified", formatdate(usegmt=True))
            for name, value in route.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            try:
                handler.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout under test)
        finally:
            with self._lock:
                self.in_flight -= 1

    def __enter__(self) -> "NewsSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
