"""The watchlist (``--watchlist FILE``): names an analyst follows, found in the day's sentences and
listed at the top of the digest.

The file is UTF-8 text, one entry a line; blank lines and lines starting with ``#`` are skipped. An
entry is one or more terms separated by ``|``, optionally after a label and a colon (then a space:
``10:30`` is a term; a label alone on its line is an error)::

    ISIS: داعش | Islamic State | ISIL
    coalition

Without a label an entry is named by its first term. A term holding an Arabic letter is looked for
in the Arabic sentences, any other in the English ones:

- English: case-folded (``str.casefold``), whole words only (``IS`` is not found in "this"); the
  words of a term of several match across any whitespace.
- Arabic: term and sentence folded alike, as the stories fold them (``normalize.fold_spelling``:
  diacritics, أ إ آ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي), then matched as whole words that may carry
  clitics. Before the first word: و or ف, then ب, ك or ل, then the article ال, each optional (وب،
  فال، بال، وكال…), with ل + ال written لل (للتحالف). A term written with the article (التحالف) needs
  it (or لل) in the text, so it does not match تحالف. After the last word: one pronoun (ه ها هم هما
  هن كم كن نا ي), or a plural or dual ending (ات ون ين ان; ات may take a pronoun); a term ending in ة
  also matches its ت forms (حكومة: حكومتها، حكومتين، حكومات). Nothing else may touch the word, so نار
  is not found in منارة. Words inside a term of several match as written (folded). Nisba adjectives
  read as a word + ي (داعش finds داعشي) and a word that merely starts with a proclitic's letter can
  read as one (بنان finds لبنان): short terms find more than they mean.

One hit is one sentence (an aligned Arabic–English segment pair; an English article's sentence) that
names an entry: the Arabic terms are tried first, being the source, then the English. A changed
watchlist needs no new translation: it is matched on every article, cached or made."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from summarize.errors import UserError
from summarize.files import read_user_text
from summarize.normalize import fold_spelling, normalize_arabic, strip_diacritics
from summarize.records import WatchHit

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
# A label is followed by its colon and a space, or ends the line (a label without terms, an error):
# "10:30" and "Re:Action" stay terms.
_LABELLED = re.compile(r"^([^|:]*?)\s*:(?:\s+(.*))?$")
_WORDLIKE = re.compile(r"\w")

# The clitics an Arabic term may carry in the text (folded forms; see the module docstring).
_CONJUNCTION = "[وف]?"
_ANY_PREFIX = f"(?:{_CONJUNCTION}(?:[بك]?ال|لل|[بلك])?)"
_ARTICLE_PREFIX = f"(?:{_CONJUNCTION}(?:[بك]?ال|لل))"
_PRONOUN = "(?:هما|ها|هم|هن|ه|كم|كن|نا|ي)"
_ENDING = f"(?:ات{_PRONOUN}?|ون|ين|ان|{_PRONOUN})?"
_TA_ENDING = f"(?:ه|ت(?:ان|ين|{_PRONOUN})|ات{_PRONOUN}?)"


@dataclass(frozen=True)
class WatchEntry:
    """One line of the watchlist: its label and terms as written, and where it stands in the file."""

    label: str
    terms: tuple[str, ...]
    line: int


class Watchlist:
    """A parsed watchlist (``load_watchlist``) and its terms compiled for matching."""

    def __init__(self, entries: Sequence[WatchEntry], path: str = "") -> None:
        self.entries = tuple(entries)
        self.path = path
        # Per entry: its Arabic and its English (term, pattern) pairs, each in the file's order.
        self._compiled = [([(t, arabic_pattern(t)) for t in e.terms if is_arabic(t)],
                           [(t, english_pattern(t)) for t in e.terms if not is_arabic(t)]) for e in self.entries]
        arabic = [p.pattern for ar, _ in self._compiled for _, p in ar]
        english = [p.pattern for _, en in self._compiled for _, p in en]
        # Most sentences name nothing: one search for any term rules them out at once.
        self._any_arabic = re.compile("|".join(arabic)) if arabic else None
        self._any_english = re.compile("|".join(english)) if english else None

    def hits(self, pairs: Iterable[tuple[str | None, str]], *, article_id: str, article_number: int) -> list[WatchHit]:
        """The hits in one article's sentences: ``pairs`` of (Arabic or None, English), in order."""
        found = []
        for arabic, english in pairs:
            folded = _searched(self._any_arabic, fold_spelling(arabic) if arabic and self._any_arabic else "")
            cased = _searched(self._any_english, english.casefold() if english and self._any_english else "")
            if not folded and not cased:
                continue
            for entry, (arabic_terms, english_terms) in zip(self.entries, self._compiled):
                match = _first(arabic_terms, folded, "ar") or _first(english_terms, cased, "en")
                if match:
                    found.append(WatchHit(label=entry.label, term=match[0], language=match[1], article_id=article_id,
                                          article_number=article_number, sentence_en=english, sentence_ar=arabic))
        return found

    def summary(self, hits: Sequence[WatchHit]) -> dict[str, Any]:
        """What the digest shows (``Digest.watchlist``): ``file``; ``entries``, each ``{"label", "terms",
        "hits", "articles"}`` in the file's order (hits: sentences; articles: distinct articles);
        ``hits``, each a ``WatchHit`` as a dict, in input order."""
        entries = []
        for entry in self.entries:
            mine = [hit for hit in hits if hit.label == entry.label]
            entries.append({"label": entry.label, "terms": list(entry.terms), "hits": len(mine),
                            "articles": len({hit.article_number for hit in mine})})
        return {"file": self.path, "entries": entries, "hits": [asdict(hit) for hit in hits]}


def _searched(pattern: re.Pattern[str] | None, text: str) -> str:
    """``text`` when ``pattern`` is found in it, else ""."""
    return text if text and pattern is not None and pattern.search(text) else ""


def _first(terms: Sequence[tuple[str, re.Pattern[str]]], text: str, language: str) -> tuple[str, str] | None:
    if text:
        for term, pattern in terms:
            if pattern.search(text):
                return term, language
    return None


def is_arabic(term: str) -> bool:
    """Whether ``term`` is looked for in the Arabic: it holds an Arabic letter."""
    return bool(_ARABIC_LETTER.search(term))


def english_pattern(term: str) -> re.Pattern[str]:
    """``term`` as a whole-word pattern over case-folded English."""
    words = [re.escape(word) for word in term.casefold().split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def arabic_pattern(term: str) -> re.Pattern[str]:
    """``term`` as a pattern over folded Arabic (``fold_spelling``) allowing the clitics of the module
    docstring on its first and last word."""
    words = fold_spelling(term).split()
    ends_in_ta = strip_diacritics(normalize_arabic(term)).split()[-1].endswith("ة")
    first = words[0]
    if first.startswith("ال") and len(first) > 3:
        prefix, words[0] = _ARTICLE_PREFIX, first[2:]
    else:
        prefix = _ANY_PREFIX
    parts = [re.escape(word) for word in words]
    if ends_in_ta and words[-1].endswith("ه"):
        parts[-1] = re.escape(words[-1][:-1]) + _TA_ENDING
    else:
        parts[-1] += _ENDING
    return re.compile(r"(?<!\w)" + prefix + r"\s+".join(parts) + r"(?!\w)")


def load_watchlist(path: str | Path) -> Watchlist:
    """The watchlist in ``path`` (format: the module docstring). A missing, unreadable or empty file,
    or one with bad lines (all of them named), is a one-line ``UserError``."""
    label = f"watchlist {path}"
    text = read_user_text(path, "watchlist")
    entries, problems, labels = [], [], {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        labelled = _LABELLED.match(line)
        name, rest = (labelled.group(1), labelled.group(2)) if labelled else (None, line)
        terms = [" ".join(term.split()) for term in (rest or "").split("|")]
        if name is not None and not name.strip():
            problems.append(f"line {number}: empty label")
        elif rest is None:
            problems.append(f"line {number}: label {name.strip()!r} without terms")
        elif not all(terms):
            problems.append(f"line {number}: empty term")
        elif not all(_WORDLIKE.search(fold_spelling(t) if is_arabic(t) else t) for t in terms):
            problems.append(f"line {number}: a term without letters or digits")
        else:
            name = " ".join((name or terms[0]).split())
            if name in labels:
                problems.append(f"line {number}: label {name!r} already on line {labels[name]}")
            else:
                labels[name] = number
                entries.append(WatchEntry(label=name, terms=tuple(terms), line=number))
    if problems:
        raise UserError(f"{label}: " + "; ".join(problems) + " (expected 'LABEL: term | term' or 'term')")
    if not entries:
        raise UserError(f"{label}: no terms in it (only blank lines and # comments)")
    return Watchlist(entries, str(path))
