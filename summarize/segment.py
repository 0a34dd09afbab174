"""Cut cleaned Arabic text into translation units: paragraphs (lines) of sentences, each short enough
for the translation model.

Invariant (tested with hypothesis): no text is lost. Every cut falls on whitespace, so the words of
all segments, in order, are exactly ``text.split()`` — except inside a single word that alone is
longer than the limit (a run of letters with no space, a base64 blob, a base letter with hundreds of
combining marks): such a word is cut by tokens into consecutive pieces that join back into it.
Segments are stripped and never empty.
"""
from __future__ import annotations

import bisect
import math
import re
from typing import Callable, Sequence

from summarize.records import Article, SegmentedArticle

CountTokens = Callable[[list[str]], list[int]]
# Part of every cache key of a segmented article (``summarize.translate``): bump it when a rule here
# changes where a text is cut.
SEGMENTER_VERSION = 1

_TERMINAL = ".!?؟؛…"
# Closing quotes/brackets that stay with the sentence they end: «…». and "…". and (…).
_CLOSERS = "\"'”’»)]}›"
# A sentence end: a run of terminal marks, optionally interleaved with closers (`."` `!»` `.)` `?!`),
# followed by whitespace. Requiring whitespace is what keeps decimals (3.5, 2.5%), dates (8.5.2018),
# URLs and e-mail addresses whole: their dots are followed by more characters.
_END = re.compile(rf"(?:[{re.escape(_TERMINAL)}]+[{re.escape(_CLOSERS)}]*)+(?=\s)")
_LETTER = re.compile(r"[^\W\d_]")
_MULTIWORD = re.compile(r"\S\s+\S")
# "د." "م." "ص." "أ." "J." and dotted initialisms "U.S." "e.g." "أ.د." "ق.م.": the word before the
# final stop is single letters joined by dots. Sentence-final "م." after a year ("عام 2015 م.") is
# lost as a boundary too; a missed cut only makes a longer segment, a wrong one strands "Dr." alone.
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
# Multi-letter Latin abbreviations that precede a name or number rather than end a sentence.
LATIN_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof St Jr Sr Gen Sen Rep Gov Lt Col Capt Sgt Cmdr Mt Ft No vs approx Fig Jan Feb "
    "Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_OPENERS = "\"'“‘«([{‹"
# Marks that open a span and may be followed directly by an ellipsis of omission. Not the straight
# quotes, which also close: `"مشروعة". وتابع` ends a sentence.
_OMISSION_OPENERS = "([{«“‹"
_BRACKETS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "‹": "›"}

# split_long's cut points, safest first: after a stop that split_sentences did not cut at (inside a
# quotation), after a comma/semicolon/colon, before a stand-alone conjunction, at any space.
_AFTER_STOP = re.compile(rf"[{re.escape(_TERMINAL)}][{re.escape(_CLOSERS)}]*$")
_AFTER_COMMA = re.compile(rf"[،,;:؛][{re.escape(_CLOSERS)}]*$")
# Only whole words: the prefix و of "وقال" is glued to its verb, and cutting the word is not allowed.
CONJUNCTIONS = frozenset(
    "و ثم لكن ولكن بينما وبينما حيث إذ كما وكما أو بل فيما وفيما - – — and but or while whereas".split()
)


def split_paragraphs(text: str) -> list[str]:
    """Non-empty lines, stripped. Every line break str.splitlines() knows ends a paragraph."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _protected_depth(text: str) -> list[int]:
    """For each cut position 0..len(text): how many quotations/brackets are open across it.

    ASCII double quotes pair in order of appearance (1st with 2nd, 3rd with 4th); «», “”, () [] {}
    pair by nesting. An unpaired mark protects nothing, so one stray quote cannot switch off
    splitting for the rest of the paragraph."""
    spans: list[tuple[int, int]] = []
    stacks: dict[str, list[int]] = {opener: [] for opener in _BRACKETS}
    closer_of = {closer: opener for opener, closer in _BRACKETS.items()}
    straight: list[int] = []
    for index, char in enumerate(text):
        if char == '"':
            straight.append(index)
        elif char in _BRACKETS:
            stacks[char].append(index)
        elif char in closer_of and stacks[closer_of[char]]:
            spans.append((stacks[closer_of[char]].pop(), index))
    spans.extend(zip(straight[0::2], straight[1::2]))
    # A cut at position p splits text[:p] | text[p:]; it is inside (start, end) when start < p <= end.
    diff = [0] * (len(text) + 2)
    for start, end in spans:
        diff[start + 1] += 1
        diff[end + 1] -= 1
    depth, running = [], 0
    for value in diff[: len(text) + 1]:
        running += value
        depth.append(running)
    return depth


def _is_abbreviation(text: str, stop: int) -> bool:
    """Whether the single '.' at ``stop`` closes an abbreviation rather than a sentence."""
    start = stop
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:stop].lstrip(_OPENERS)
    return bool(_INITIALISM.fullmatch(word)) or word in LATIN_ABBREVIATIONS


def _is_sentence_end(text: str, match: re.Match[str], depth: Sequence[int]) -> bool:
    if depth[match.end()]:
        return False  # a stop inside a quotation followed by more quoted text
    if match.start() and text[match.start() - 1] in _OMISSION_OPENERS:
        return False  # "(...)", "[…]" and «... mark an omission, not an end
    marks = match.group().rstrip(_CLOSERS)
    return not (marks == "." and _is_abbreviation(text, match.start()))


def _cut_at(text: str, cuts: list[int]) -> list[str]:
    """The stripped, non-empty pieces between cut positions. A cut that would leave a piece without
    a letter ("1." of a numbered list, a lone "...") is not made: that piece stays with its
    neighbour, and the original spacing between them is kept."""
    kept: list[int] = []
    start = 0
    for cut in cuts:
        if _LETTER.search(text, start, cut):
            kept.append(cut)
            start = cut
    if kept and not _LETTER.search(text, start):
        kept.pop()
    bounds = [0, *kept, len(text)]
    pieces = [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    return [p for p in pieces if p]


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences on . ! ? ؟ ؛ … (and runs of them), keeping closing
    punctuation and quotes with the sentence they end; never inside quotations or brackets, after
    abbreviations, or where no whitespace follows (decimals, dates, URLs)."""
    depth = _protected_depth(paragraph)
    cuts = [m.end() for m in _END.finditer(paragraph) if _is_sentence_end(paragraph, m, depth)]
    return _cut_at(paragraph, cuts)


def _cut_tier(left: str, right: str) -> int:
    if _AFTER_STOP.search(left) and not _INITIALISM.fullmatch(left.rstrip(_TERMINAL + _CLOSERS).lstrip(_OPENERS)):
        return 0
    if _AFTER_COMMA.search(left):
        return 1
    if right in CONJUNCTIONS:
        return 2
    return 3


def _word_costs(words: list[str], total: int, count_tokens: CountTokens) -> tuple[list[float], int]:
    """Per-word token costs, scaled so they add up to the sentence's real count, and the per-call
    overhead (special tokens) that every piece pays once. One batch call for all words."""
    counts = count_tokens([*words, ""])
    overhead = max(0, min(counts[-1], *counts[:-1]))
    raw = [max(0, c - overhead) for c in counts[:-1]]
    content = max(total - overhead, 1)
    if sum(raw) == 0:
        return [content / len(words)] * len(words), overhead
    scale = content / sum(raw)
    return [r * scale for r in raw], overhead


def _choose_cuts(words: list[str], costs: list[float], budget: float) -> list[int]:
    """Word indices where pieces start (after the first). A piece may fill up to ``budget``; pieces
    aim at equal size, so a sentence just over the limit halves instead of leaving a scrap; among the
    cut points that fill at least half the target, the safest tier wins, then the one nearest it."""
    prefix = [0.0]
    for cost in costs:
        prefix.append(prefix[-1] + cost)
    m = len(words)
    cuts: list[int] = []
    start = 0
    while start < m - 1 and prefix[m] - prefix[start] > budget:
        base = prefix[start]
        target = (prefix[m] - base) / math.ceil((prefix[m] - base) / budget)
        far = bisect.bisect_right(prefix, base + budget, lo=start + 1) - 1
        far = min(max(far, start + 1), m - 1)  # a single over-long word still makes a piece of its own
        candidates = [j for j in range(start + 1, far + 1) if prefix[j] - base >= target / 2] or [far]
        start = min(candidates, key=lambda j: (_cut_tier(words[j - 1], words[j]), abs(prefix[j] - base - target)))
        cuts.append(start)
    return cuts


def _split_once(sentence: str, total: int, max_tokens: int, count_tokens: CountTokens) -> list[str]:
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", sentence)]
    if len(spans) < 2:
        return [sentence]
    words = [sentence[a:b] for a, b in spans]
    costs, overhead = _word_costs(words, total, count_tokens)
    cuts = _choose_cuts(words, costs, max(max_tokens - overhead, 1e-9))
    starts = [0, *cuts]
    ends = [*cuts, len(words)]
    return [sentence[spans[a][0] : spans[b - 1][1]] for a, b in zip(starts, ends)]


def _fit(sentence: str, total: int, max_tokens: int, count_tokens: CountTokens) -> list[str]:
    """Split until every piece counts ≤ max_tokens: at whitespace while a piece has several words, then
    any single word still too long by its tokens (``split_word``). Each round costs two batch calls
    per over-long piece (its words, then its parts), so a 100 KB unpunctuated paragraph costs a
    handful of calls, not one per word; iterative, so a poor estimate cannot exhaust the stack."""
    pieces = [(sentence, total)]
    while any(count > max_tokens and _MULTIWORD.search(text) for text, count in pieces):
        next_round: list[tuple[str, int]] = []
        for text, count in pieces:
            if count > max_tokens and _MULTIWORD.search(text):
                parts = _split_once(text, count, max_tokens, count_tokens)
                next_round.extend(zip(parts, count_tokens(parts)))
            else:
                next_round.append((text, count))
        pieces = next_round
    return [part for text, count in pieces
            for part in (split_word(text, max_tokens, count_tokens) if count > max_tokens else [text])]


# Prefix lengths measured per tokenizer call when cutting a word: each call narrows the range
# sixteenfold, so a piece costs about three batch calls whatever the word's length.
_PROBES = 16
# The first call's lengths, as multiples of the guess: close around it, where the answer nearly
# always is (a word's tokens are spread about evenly), and far enough out to bracket it when not.
_GUESS_FACTORS = (0.25, 0.5, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.25, 2.0, 4.0)


def _longest_fitting(word: str, start: int, guess: float, limit: int, count_tokens: CountTokens) -> tuple[int, int]:
    """The longest prefix of ``word[start:]`` counting ≤ ``limit`` tokens (at least one character),
    searched from ``guess`` characters, and its count. Tokenizers count prefixes nearly but not
    strictly monotonically, so only a length measured to fit is ever accepted: the result fits
    whatever the tokenizer does (one character over the limit alone excepted), and the search is
    the same on every run."""
    rest = len(word) - start
    counts: dict[int, int] = {}

    def measure(lengths) -> None:
        new = sorted({n for n in lengths if 0 < n <= rest} - counts.keys())
        counts.update(zip(new, count_tokens([word[start:start + n] for n in new])))

    measure(min(rest, max(1, round(guess * f))) for f in _GUESS_FACTORS)
    while True:
        high = min((n for n, c in counts.items() if c > limit), default=rest + 1)
        low = max((n for n, c in counts.items() if c <= limit and n < high), default=0)
        if high - low <= 1:
            break
        if high > rest:  # everything measured fits: look further out
            measure(min(rest, max(1, low) * 2 ** k) for k in range(5))
        else:
            step = (high - low) / _PROBES
            measure(low + max(1, round(step * i)) for i in range(1, _PROBES))
    length = max(low, 1)
    measure([length])
    return length, counts[length]


def split_word(word: str, max_tokens: int, count_tokens: CountTokens) -> list[str]:
    """A word with no space in it cut into consecutive pieces of at most ``max_tokens`` tokens each (as
    ``count_tokens`` counts each piece alone), that join back into the word. Pieces aim at equal
    size, so a word just over the limit halves instead of leaving a scrap. The word stays whole only
    when no piece could fit (special tokens alone fill the limit); a single character over the limit
    on its own is a piece of its own. Neither happens with a real model's tokenizer and limit."""
    total, overhead = count_tokens([word, ""])
    if total <= max_tokens or overhead >= max_tokens:
        return [word]
    room = max_tokens - overhead
    # What is left to place, estimated as the total less what the pieces so far took. Pieces counted
    # alone take a little more than in context, so near the end the estimate is replaced by a count
    # of the (by then short) rest.
    left, exact = total - overhead, True
    pieces: list[str] = []
    start = 0
    while start < len(word):
        if not exact and left <= 2 * room:
            left, exact = count_tokens([word[start:]])[0] - overhead, True
        if exact and left <= room:
            pieces.append(word[start:])
            break
        share = math.ceil(left / math.ceil(left / room))  # the next piece's part of equal shares
        length, count = _longest_fitting(word, start, (len(word) - start) * share / left, overhead + share,
                                         count_tokens)
        pieces.append(word[start:start + length])
        start += length
        left, exact = max(left - max(count - overhead, 0), 1), False
    return pieces


def split_long(sentence: str, max_tokens: int, count_tokens: CountTokens) -> list[str]:
    """``[sentence]`` if it fits in ``max_tokens`` (as counted by the batch function
    ``count_tokens``), else pieces cut at the safest points available — after a stop inside a
    quotation, after ، , ; :, before a stand-alone conjunction, at a space — each ≤ max_tokens. A
    single word longer than the limit (a URL, a base64 blob) is cut by its tokens (``split_word``).
    Nothing is dropped or truncated."""
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, not {max_tokens}")
    sentence = sentence.strip()
    if not sentence:
        return []
    total = count_tokens([sentence])[0]
    if total <= max_tokens:
        return [sentence]
    return _fit(sentence, total, max_tokens, count_tokens)


def _fit_paragraphs(
    paragraphs: list[list[str]], max_tokens: int, count_tokens: CountTokens
) -> list[list[str]]:
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, not {max_tokens}")
    flat = [s for paragraph in paragraphs for s in paragraph]
    counts = iter(count_tokens(flat) if flat else [])
    fitted = []
    for paragraph in paragraphs:
        pieces: list[str] = []
        for sentence in paragraph:
            count = next(counts)
            pieces.extend(_fit(sentence, count, max_tokens, count_tokens) if count > max_tokens else [sentence])
        fitted.append(pieces)
    return fitted


def segment_text(text: str, max_tokens: int, count_tokens: CountTokens) -> list[list[str]]:
    """Paragraphs of sentences, every sentence ≤ max_tokens."""
    return _fit_paragraphs([split_sentences(p) for p in split_paragraphs(text)], max_tokens, count_tokens)


def segment_article(article: Article, max_tokens: int, count_tokens: CountTokens) -> SegmentedArticle:
    """Segment a cleaned article; the title is split the same way. One count call covers both."""
    title = [split_sentences(p) for p in split_paragraphs(article.title)]
    body = [split_sentences(p) for p in split_paragraphs(article.text)]
    fitted = _fit_paragraphs(title + body, max_tokens, count_tokens)
    title_segments = [s for paragraph in fitted[: len(title)] for s in paragraph]
    return SegmentedArticle(article=article, title_segments=title_segments, paragraphs=fitted[len(title) :])


# English: a stop ends a sentence only when a capital, digit or opening quote/bracket follows.
_EN_END = re.compile(r"(?:[.!?…]+[\"'”’)\]]*)+(?=\s+[\"'“‘(\[]?[A-Z0-9])")


def split_english_sentences(text: str) -> list[str]:
    """Simple English splitter for summary chunking: lines, then . ! ? before a capital/digit/quote;
    not after initials ("J. Smith", "U.S."), "e.g.", "Mr.", "Dr." and the like, nor inside decimals."""
    sentences: list[str] = []
    for line in split_paragraphs(text):
        cuts = [
            m.end()
            for m in _EN_END.finditer(line)
            if not (m.group().rstrip(_CLOSERS) == "." and _is_abbreviation(line, m.start()))
        ]
        sentences.extend(_cut_at(line, cuts))
    return sentences
