"""Ranked free-text search over a handful of documents: tokens, stems, synonyms, typos, BM25.

Pure and dependency-free. Users describe a problem in their own words ("my socket drops after
ten secs"), so a query is normalised the same way as the documents: lower-cased, common phrases
folded into one concept ("ten seconds" → `10s`), words stemmed ("drops" → `drop`) and mapped to
a concept shared by their synonyms (`drop` → `close`). Words that are not in the vocabulary are
matched to the nearest word that is (one or two edits away), so "websoket" still finds
"websocket". Scoring is BM25 over weighted fields, so a word in a title counts more than the
same word in a code sample.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

# Words that carry no meaning for triage. Negations and question words are kept out of this list
# only when they matter ("no audio" is folded by a phrase rule before stop words are dropped).
_STOPWORDS_TEXT = """
    a about after again all also am an and any anyone are as at be been before being but by can
    could did do does doing don dont for from get gets getting got had has have having hey hi i
    if im in into is it its just keep keeps like me my myself now of on once only or our
    out so some still than that the their them then there these they this those though tho to too
    us very was we were what when where which while who why will with would you your yours ur u
    pls please thanks thx help anybody someone any one ok okay hello guys right really actually
    suddenly today anymore always every not
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Multi-word expressions folded into one token before splitting, so "ten seconds" and "10 sec"
# both become `10s`. Each rule is a regular expression over lower-cased text and its replacement.
PHRASES: tuple[tuple[str, str], ...] = (
    (r"n['’]t\b", " not"),
    (r"['’](?:s|re|ll|ve|m|d)\b", ""),
    (r"\b(?:10|ten|11|12|eleven|twelve)\s*-?\s*(?:s|sec|secs|second|seconds)\b", " 10s "),
    (r"\btext[\s-]*to[\s-]*speech\b", " tts "),
    (r"\bspeech[\s-]*to[\s-]*text\b", " stt "),
    (r"\bkeep[\s-]*alive\b", " keepalive "),
    (r"\bweb[\s-]*sockets?\b", " websocket "),
    (r"\bweb[\s-]*hooks?\b", " callback "),
    (r"\bcall[\s-]*back\b", " callback "),
    (r"\bsample[\s_-]*rate\b", " sample_rate "),
    (r"\brate[\s-]*limit(?:s|ed|ing)?\b", " ratelimit "),
    (r"\btoo\s+many\s+requests?\b", " ratelimit "),
    (r"\bapi[\s_-]*keys?\b", " apikey "),
    (r"\bstatus\s*page\b", " statuspage "),
    (r"\bout\s+of\s+(?:credits?|money|funds|balance)\b", " nocredit "),
    (r"\bran\s+out\s+of\s+(?:credits?|money|funds)\b", " nocredit "),
    (r"\bpayment\s+required\b", " nocredit "),
    (r"\bno\s+(?:sound|audio\s+plays?)\b", " silent "),
    (r"\bno\s+audio\b", " noaudio "),
    (r"\b(?:stop|stops|stopped)\s+(?:talking|speaking)\b", " silence "),
    (r"\btimed?\s*-?\s*out\b", " timeout "),
    (r"\btakes?\s+forever\b", " slow "),
    (r"\bnot\s+found\b", " notfound "),
    (r"\bcontent[\s-]*type\b", " contenttype "),
    (r"\bclient[\s-]*side\b", " browser "),
    (r"\bfront[\s-]*end\b", " browser "),
    (r"\bpush[\s-]*to[\s-]*talk\b", " ptt "),
    (r"\bvoice\s+agents?\b", " voiceagent "),
    (r"\bsign\s*up\b", " signup "),
    (r"\bis\s+(?:deepgram|dg|it)\s+down\b", " outage "),
    (r"\bfor\s+(?:all|every)\s*(?:one|body|users?|customers?)\b", " everyone "),
)
_PHRASES = tuple((re.compile(pattern), replacement) for pattern, replacement in PHRASES)

# Synonyms: every word (stemmed) on the right is read as the concept on the left, in queries and
# documents alike. Only genuine synonyms of the domain belong here.
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "close": ("close", "disconnect", "drop", "die", "died", "cut", "terminat", "hang", "kill", "shut"),
    "websocket": ("websocket", "ws", "wss", "socket"),
    "stream": ("stream", "streaming", "live", "realtime", "microphone", "mic"),
    "silence": ("silence", "silent", "pause", "quiet", "mute", "muted"),
    "empty": ("empty", "blank", "nothing"),
    "transcript": ("transcript", "transcription", "transcribe", "transcrib"),
    "wrong": ("wrong", "gibberish", "nonsense", "garbl", "inaccurate", "terrible", "incorrect", "misspell"),
    "slow": ("slow", "latency", "lag", "laggy", "delay", "late", "sluggish"),
    "credit": ("credit", "balance", "money", "fund", "billing", "bill", "price", "pric", "cost", "dollar", "usd"),
    "expire": ("expire", "expiry", "expiration"),
    "apikey": ("apikey", "key"),
    "browser": ("browser", "javascript", "js", "react", "frontend", "nextj", "vue", "angular", "webapp"),
    "tts": ("tts", "speak", "aura", "voice"),
    "mp3": ("mp3", "wav", "ogg"),
    "down": ("down", "outage", "incident", "degrad"),
    "error": ("error", "err", "fail", "failur", "broken", "break", "issue", "problem"),
    "forbidden": ("forbidden", "permission", "scope", "role", "access"),
    "unauthorized": ("unauthorized", "unauthorised", "unauthenticat", "credential"),
    "large": ("large", "big", "huge", "long", "size", "length", "limit"),
    "timeout": ("timeout", "504"),
    "model": ("model", "nova", "whisper", "enhanced"),
    "jwt": ("jwt", "temporary", "ephemeral", "grant"),
    "proxy": ("proxy", "firewall", "vpn", "corporate"),
    "callback": ("callback", "webhook", "notify"),
}

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "e")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")


@cache
def stem(word: str) -> str:
    """A light suffix stripper: enough to merge "closes", "closed", "closing" and "close"."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix) and not word[-len(suffix) - 1].isdigit():
            if suffix in ("ies", "ied"):
                return word[: -len(suffix)] + "y"
            return word[: -len(suffix)]
    return word


def _synonym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for concept, words in SYNONYMS.items():
        for word in words:
            index[stem(word)] = concept
    return index


_CONCEPT_OF = _synonym_index()


def fold_phrases(text: str) -> str:
    """Lower-case `text` and fold the multi-word expressions of `PHRASES` into single tokens."""
    folded = text.lower()
    for pattern, replacement in _PHRASES:
        folded = pattern.sub(replacement, folded)
    return folded


def raw_words(text: str) -> list[str]:
    """Words and hyphenated codes (`nova-3`, `net-0001`) in phrase-folded text."""
    return _TOKEN.findall(fold_phrases(text))


def normalise(word: str) -> list[str]:
    """The index terms of one word: its stem and concept, plus those of a hyphenated code's parts."""
    if word in STOPWORDS:
        return []
    squashed = re.sub(r"[-_.]", "", word)
    terms = _with_concept(stem(squashed))
    if squashed != word:
        for part in re.split(r"[-_.]", word):
            if part and part not in STOPWORDS and not part.isdigit():
                terms += _with_concept(stem(part))
    return terms


def _with_concept(stemmed: str) -> list[str]:
    """The stem itself (a rare word stays distinctive) and, for a synonym, its concept too."""
    concept = _CONCEPT_OF.get(stemmed)
    return [stemmed] if concept is None else [stemmed, "~" + concept]


def terms(text: str) -> list[str]:
    """Text to index terms: phrases folded, stop words dropped, stems and concepts applied."""
    return [term for word in raw_words(text) for term in normalise(word)]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), or `limit + 1` once above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass(frozen=True)
class Field:
    """Part of a document, with how much a word found there counts."""

    text: str
    weight: float


@dataclass(frozen=True)
class Hit:
    key: str
    score: float
    #: Share of the query's weight (idf) this document matched: 1.0 when every term was found.
    coverage: float


class Index:
    """BM25 over fielded documents; build once, query many times. Pure: no I/O."""

    # Field weights make term frequencies large (a title word counts 3), so saturation is set later
    # than the textbook 1.2: a playbook *about* TTS should beat one that mentions it twice.
    K1 = 3.0
    B = 0.5

    def __init__(self, documents: Mapping[str, Sequence[Field]]) -> None:
        self._weights: dict[str, dict[str, float]] = {}
        for key, fields in documents.items():
            counts: dict[str, float] = {}
            for f in fields:
                for term in terms(f.text):
                    counts[term] = counts.get(term, 0.0) + f.weight
            self._weights[key] = counts
        lengths = [sum(c.values()) for c in self._weights.values()] or [1.0]
        self._avg_length = sum(lengths) / len(lengths)
        n = len(self._weights)
        df: Counter[str] = Counter()
        for counts in self._weights.values():
            df.update(counts.keys())
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._vocabulary = sorted(self._idf)

    @property
    def vocabulary(self) -> Sequence[str]:
        return self._vocabulary

    def correct(self, term: str) -> str | None:
        """`term` if known, else the closest known term within 1 edit (2 for long words), else None."""
        if term in self._idf:
            return term
        if len(term) < 4 or term.isdigit():
            return None
        limit = 1 if len(term) < 8 else 2
        best: tuple[int, float, str] | None = None
        for known in self._vocabulary:
            # Typos rarely hit the first letter; requiring it keeps unrelated words apart.
            if abs(len(known) - len(term)) > limit or known[0] != term[0]:
                continue
            distance = edit_distance(term, known, limit)
            if distance <= limit:
                # Closest first; among equals the more common word (lower idf) is the safer guess.
                candidate = (distance, self._idf[known], known)
                if best is None or candidate < best:
                    best = candidate
        return best[2] if best else None

    def query_groups(self, text: str) -> list[tuple[str, ...]]:
        """The query as groups of alternative terms, one group per word: a word matches a document
        through its stem or its concept, whichever is stronger. Unknown words are typo-corrected or
        dropped; repeated words count once."""
        groups: dict[tuple[str, ...], None] = {}
        for word in raw_words(text):
            known = []
            for term in normalise(word):
                corrected = self.correct(term) if not term.startswith("~") else term
                if corrected is not None and corrected in self._idf and corrected not in known:
                    known.append(corrected)
                    concept = _CONCEPT_OF.get(corrected)
                    # A corrected typo of a synonym brings its concept along.
                    if concept is not None and "~" + concept in self._idf and "~" + concept not in known:
                        known.append("~" + concept)
            if known:
                groups.setdefault(tuple(known), None)
        return list(groups)

    def query_terms(self, text: str) -> list[str]:
        """The distinct known terms of a query, in order of appearance (for explanations and tests)."""
        return list(dict.fromkeys(t for group in self.query_groups(text) for t in group))

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def search(self, text: str) -> list[Hit]:
        """Every document that matches at least one query word, best first."""
        groups = self.query_groups(text)
        total_idf = sum(max(self._idf[t] for t in group) for group in groups)
        hits: list[Hit] = []
        for key, counts in self._weights.items():
            norm = self.K1 * (1 - self.B + self.B * sum(counts.values()) / self._avg_length)
            score = matched = 0.0
            for group in groups:
                best = max((self._bm25(t, counts.get(t, 0.0), norm) for t in group), default=0.0)
                if best > 0:
                    score += best
                    matched += max(self._idf[t] for t in group)
            if score > 0:
                hits.append(Hit(key, score, matched / total_idf if total_idf else 0.0))
        hits.sort(key=lambda h: (-h.score, h.key))
        return hits

    def _bm25(self, term: str, tf: float, norm: float) -> float:
        return self._idf[term] * tf * (self.K1 + 1) / (tf + norm) if tf else 0.0
