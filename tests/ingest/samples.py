"""Articles, pages and helpers shared by the ingest tests."""
import json
from pathlib import Path

from summarize.ingest import InputProblem, read_articles

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

TITLE = "الاتحاد الأوروبي يعلن التزامه بالاتفاق النووي مع إيران"
BODY = (
    "أكد الاتحاد الأوروبي أنه ما زال مصرا على الحفاظ على الاتفاق، وأنه سيعمل على الحفاظ على مصالحه الاقتصادية.\n"
    "وأكدت مسؤولة الشؤون الخارجية في الاتحاد الأوروبي فيديريكا موغريني، أن الاتحاد عازم على المحافظة على الاتفاق.\n"
    "وأضافت موغريني في بيان أن الاتفاق يحقق الغرض منه وهو ضمان عدم تطوير إيران أسلحة نووية."
)
ARTICLE = f"{TITLE}\n{BODY}\n"
ENGLISH = (
    "EU vows to keep the Iran nuclear deal alive\n"
    "The European Union said on Tuesday that it was determined to preserve the nuclear deal with Iran.\n"
    "Its foreign policy chief said the agreement was working and that it was delivering on its goal."
)


def count_words(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def read(paths, **kwargs) -> tuple[list, list[InputProblem]]:
    problems: list[InputProblem] = []
    articles = list(read_articles([Path(p) for p in paths], problems, **kwargs))
    return articles, problems


def reasons(problems: list[InputProblem]) -> dict[str, str]:
    """File name (with ":line" for feed lines) -> reason."""
    return {Path(p.input).name: p.reason for p in problems}


def write_feed(path: Path, rows: list) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


PAGE = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{TITLE} | بي بي سي</title>
<link rel="canonical" href="https://www.bbc.com/arabic/world-44048011">
<meta property="og:site_name" content="BBC Arabic">
<meta property="article:published_time" content="2018-05-08T20:00:00Z">
<script>var ad = "<p>إعلان</p>";</script><style>p {{ color: red }}</style></head>
<body><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/news">أخبار</a></li></ul></nav>
<header><h1>{TITLE}</h1></header>
<article>{"".join(f"<p>{line}</p>" for line in BODY.splitlines())}</article>
<footer>حقوق النشر محفوظة 2018</footer></body></html>
"""
