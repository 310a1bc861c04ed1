"""Stage 03c: events across documents — when and what each reported event is, which reports
describe the same real-world event, and each state's record per event.

A document's tallies are grouped into events by :func:`helpers.tallies.summarise_events`
(one per counted whole). This module gives each of them:

* a **session** and **date**, read from the text near the event's sentences ("on 5 October",
  "in March", "the 48th session", "HRC51", "UPR32", "resolution 19/2", "HRC S-35", "on
  Tuesday" / "this week" with the publication date), with the document's metadata session
  and date applied only to the event the document is about (the only one, or the one whose
  session or date matches the metadata);
* a **kind** (``dialogue``, ``vote``, ``joint_statement``, ``review``, ``other``): the
  tallies' own kind when they carry one, else cue words
  (``data/event_kind_patterns.csv``) in the
  event's sentences;
* a stable **event_id**, ``<subject>-<session>-<date>-<kind>`` with unknown parts left out.

Then, over the whole corpus (:func:`link_events`), a report that lacks the date or the
session borrows it from the other reports of the same subject and kind that agree with it
on the rest (see :func:`link_events` for the rule), so that all reports of one event share
one ``event_id``; :func:`summarise_across` merges them into ``event_summary`` rows and
:func:`actor_record` gives each state's and bloc's stance per event.

Pure functions: every per-document function takes one document's data and returns rows,
so it can run in a worker process.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from helpers.contract import make_event_id, parse_event_id  # noqa: F401  (re-exported)
from helpers.refdata import rows
from helpers.text import Literals, Sentence, lower_for_literals

KINDS = ("dialogue", "vote", "joint_statement", "review", "other")
# On equal cue weight the more specific kind wins.
KIND_ORDER = ("joint_statement", "review", "vote", "dialogue", "other")
PARTS = ("favourable", "critical", "neutral")
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november "
    "december".split(), start=1)}
WEEKDAYS = {d: i for i, d in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}

# "HRC S-35", "HRC-S35", "HRCS-35": a special session of the Council
_SPECIAL = re.compile(r"\bHRC\s?-?\s?S-?(\d{1,2})\b")
# "the 35th special session", "thirty-fifth special session" (after alpha2digit)
_SPECIAL_ORD = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th) special session\b", re.IGNORECASE)
# "HRC51", "HRC 51", "HRC-51" (but not "HRC S-35", handled above)
_HRC = re.compile(r"\bHRC\s?-?(\d{1,2})\b")
# document symbols and resolution numbers carry the session: "A/HRC/51/L.6", "resolution 19/2"
_SYMBOL = re.compile(r"\bA/HRC/(\d{1,2})/|\b(?:resolutions?|decisions?) (\d{1,2})/\d{1,3}\b",
                     re.IGNORECASE)
# "UPR32", "UPR 32"
_UPR = re.compile(r"\bUPR\s?-?(\d{1,2})\b")
# "the 32nd session of the (UPR) Working Group" → a UPR session
_UPR_ORD = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th) session of the (?:UPR )?Working Group\b",
                      re.IGNORECASE)
# "the 48th (regular) session" — of the Council unless another body follows
_ORD_SESSION = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th) (?:regular )?session\b"
                          r"(?!\s+of the (?:UN |United Nations )?(?:General Assembly|Commission|"
                          r"Third Committee|Working Group))", re.IGNORECASE)
# bodies that are not the Council: an event there has no HRC session
_OTHER_BODY = re.compile(r"\b(?:Third Committee|General Assembly|Commission on Human Rights|"
                         r"Security Council)\b")
# "in March", "last October", "on 5 October" is a DATE entity; a bare month name is not
_BARE_MONTH = re.compile(r"\b(?:in|last|this|since|during|early|late|mid-?) (January|February|"
                         r"March|April|May|June|July|August|September|October|November|"
                         r"December)\b(?!\s+\d)")
# relative days resolved against a full publication date
_RELATIVE = re.compile(r"\b(?:on |last )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                       r"Sunday|yesterday|today|this week|last week)\b", re.IGNORECASE)
# what every match of the two patterns above holds: "day" or "week" (in lower case), a
# month's name
_RELATIVE_NEEDS = Literals(("day", "week"), ignore_case=True)
_BARE_MONTH_NEEDS = Literals(tuple(m.capitalize() for m in MONTHS), ignore_case=False)
# "since April 2018", "until 2020": a date that bounds a period is not the event's date
_BOUND = re.compile(r"\b(?:since|until|till|from|between|before|after|by)\s+(?:the\s+)?$",
                    re.IGNORECASE)
# "an October 6 press statement", "a 12 March report": the date of a text about the event
_DOC_AFTER = re.compile(r"^\W{0,2}(?:[\w-]+\s+)?(?:press\s+|news\s+)?(?:statement|release|"
                        r"communiqu|report|letter|article|interview|editorial|briefing)",
                        re.IGNORECASE)
# "issued on 6 October", "published on ...": likewise
_DOC_BEFORE = re.compile(r"\b(?:issued|released|published|dated|posted)\s+(?:on\s+)?$",
                         re.IGNORECASE)
_ISO_FULL = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


# --------------------------------------------------------------------------- kinds


@lru_cache(maxsize=1)
def _kind_cues() -> list[tuple[str, int, re.Pattern[str]]]:
    """Cue patterns of ``data/event_kind_patterns.csv``, compiled once."""
    out = []
    for r in rows("event_kind_patterns.csv"):
        flags = 0 if r["pattern"] == r"\bUPR\b" else re.IGNORECASE
        out.append((r["kind"], int(r["weight"]), re.compile(r["pattern"], flags)))
    return out


# A pattern's opening literal words ("recorded vote" of r"\brecorded vote\b"): letters,
# digits, spaces and hyphens after an optional \b, up to the first other character
_OPENING_LITERAL = re.compile(r"^(?:\\b)?([A-Za-z0-9 -]*)(.?)")


def _top_level_or(pattern: str) -> bool:
    """True when ``pattern`` has a ``|`` outside any group or class (then its opening
    literal is only one branch's)."""
    depth, k, in_class = 0, 0, False
    while k < len(pattern):
        c = pattern[k]
        if c == "\\":
            k += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        k += 1
    return False


def needed_literal(pattern: str) -> str:
    """Text every match of ``pattern`` starts with (lower-cased when ``re`` would ignore its
    case), or "" when the pattern does not open with literal characters."""
    m = _OPENING_LITERAL.match(pattern)
    if not m or _top_level_or(pattern):
        return ""
    lit = m.group(1)
    if m.group(2) in ("?", "*", "{"):
        lit = lit[:-1]  # a quantifier makes the last character optional
    return lit


@lru_cache(maxsize=1)
def _kind_checks() -> list[tuple[str, int, re.Pattern[str], Literals | None]]:
    """``(kind, weight, pattern, the literal it needs or None)`` per cue pattern."""
    out = []
    for kind, weight, pat in _kind_cues():
        nocase = bool(pat.flags & re.IGNORECASE)
        lit = "" if pat.flags & re.VERBOSE else needed_literal(pat.pattern)
        out.append((kind, weight, pat,
                    Literals((lit.lower() if nocase else lit,), nocase) if lit else None))
    return out


@lru_cache(maxsize=8192)
def _text_kind_weights(text: str) -> tuple[tuple[str, int], ...]:
    """``(kind, weight)`` of every cue pattern ``text`` matches, in the file's order. A
    pattern whose opening literal the text lacks is not searched."""
    low = lower_for_literals(text)
    out = []
    for kind, weight, pat, needs in _kind_checks():
        if needs is not None and needs.cannot_match(text, low):
            continue
        if pat.search(text):
            out.append((kind, weight))
    return tuple(out)


def kind_scores(texts: Iterable[str]) -> Counter[str]:
    """Summed cue weights per kind over ``texts``."""
    score: Counter[str] = Counter()
    for t in texts:
        for kind, weight in _text_kind_weights(t):
            score[kind] += weight
    return score


def event_kind(texts: Iterable[str], *, hint: str = "", default: str = "dialogue") -> str:
    """The kind of an event from the sentences that report it.

    Args:
        texts: the event's sentences.
        hint: a description of the event from metadata (``event_type``); its cues count too.
        default: the kind when no cue matches.

    Returns:
        One of :data:`KINDS`.
    """
    score = kind_scores([*texts, hint] if hint else texts)
    if not score:
        return default
    best = max(score.values())
    return next(k for k in KIND_ORDER if score.get(k) == best)


# --------------------------------------------------------------------------- sessions


# Words one of the session patterns below needs (the same case rules): a text without any
# names no session
_SESSION_WORDS = re.compile(r"hrc|upr|session|resolution|decision", re.IGNORECASE)


def sessions_in(text: str) -> list[str]:
    """Sessions a text names, in order: ``HRC51``, ``HRC S-35``, ``UPR32``."""
    return list(_sessions_in(text))


@lru_cache(maxsize=8192)
def _sessions_in(text: str) -> tuple[str, ...]:
    from text_to_num import alpha2digit

    if not _SESSION_WORDS.search(text):
        return ()
    if re.search(r"session|cycle", text, re.IGNORECASE):
        text = alpha2digit(text, "en")  # "forty-eighth session" → "48th session"
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, sess: str) -> None:
        if not any(a <= pos < b for a, b in taken):
            found.append((pos, sess))
            taken.append((pos, end))

    for pat, fmt in ((_SPECIAL, "HRC S-{}"), (_SPECIAL_ORD, "HRC S-{}"), (_UPR, "UPR{}"),
                     (_UPR_ORD, "UPR{}"), (_HRC, "HRC{}"), (_SYMBOL, "HRC{}"),
                     (_ORD_SESSION, "HRC{}")):
        for m in pat.finditer(text):
            num = next(g for g in m.groups() if g)
            add(m.start(), m.end(), fmt.format(int(num)))
    return tuple(s for _, s in sorted(found))


def hrc_session_for_date(date: str) -> str:
    """The regular Council session held in a month (``YYYY-MM[-DD]``), or "".

    Since 2008 the Council meets three times a year: from late February to early April
    (session 7 in 2008, +3 a year), in June-July (+1) and in September-October (+2). Months
    without a regular session (January, May, August, November, December) and years before
    2008 give "" (the Commission on Human Rights met until 2006).
    """
    m = re.match(r"^(\d{4})-(\d{2})", date or "")
    if not m:
        return ""
    year, month = int(m.group(1)), int(m.group(2))
    if year < 2008:
        return ""
    first = 7 + 3 * (year - 2008)
    if month in (2, 3, 4):
        return f"HRC{first}"
    if month in (6, 7):
        return f"HRC{first + 1}"
    if month in (9, 10):
        return f"HRC{first + 2}"
    return ""


@lru_cache(maxsize=1)
def _upr_calendar() -> list[tuple[str, str]]:
    return [(r["session"], r["opened"]) for r in rows("upr_sessions.csv")]


def upr_session_for_date(date: str) -> str:
    """The UPR Working Group session open in (or the month before) ``date``, or ""."""
    ym = (date or "")[:7]
    if not _ISO_MONTH.match(ym):
        return ""
    y, mo = int(ym[:4]), int(ym[5:7])
    prev = f"{y - 1}-12" if mo == 1 else f"{y}-{mo - 1:02d}"
    for sess, opened in _upr_calendar():
        if opened in (ym, prev):
            return sess
    return ""


def session_for_date(date: str, kind: str) -> str:
    """The session an event of ``kind`` held on ``date`` belongs to ("" when unsure)."""
    if kind == "review":
        return upr_session_for_date(date)
    return hrc_session_for_date(date)


def consistent(session: str, date: str, kind: str) -> bool:
    """False when the date is known to fall outside the session."""
    if not session or not date:
        return True
    if session.startswith("HRC S-"):
        return True
    m = re.fullmatch(r"HRC(\d{1,2})", session)
    if m and int(m.group(1)) >= 7 and int(date[:4]) != 2008 + (int(m.group(1)) - 7) // 3:
        return False  # regular sessions since 2008: three a year, so the year is known
    expected = session_for_date(date, kind)
    if not expected:
        return kind != "review" or not session.startswith("UPR")
    return expected == session


# --------------------------------------------------------------------------- dates


def _parse_published(published: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published) if _ISO_FULL.match(published or "") else None
    except ValueError:
        return None


def relative_date(phrase: str, published: str) -> str:
    """A relative day ("on Tuesday", "yesterday", "this week") as a date, given the
    publication date; "" when the publication date is not a full date.

    A weekday is the latest such day on or before publication; "this week" and "last week"
    give the month only (``YYYY-MM``).
    """
    pub = _parse_published(published)
    if pub is None:
        return ""
    low = phrase.lower().removeprefix("on ").removeprefix("last ").strip()
    if low in WEEKDAYS:
        back = (pub.weekday() - WEEKDAYS[low]) % 7
        if phrase.lower().startswith("last ") and back == 0:
            back = 7
        return (pub - dt.timedelta(days=back)).isoformat()
    if low == "yesterday":
        return (pub - dt.timedelta(days=1)).isoformat()
    if low == "today":
        return pub.isoformat()
    if "week" in phrase.lower():
        back = 7 if phrase.lower().startswith("last") else 0
        return (pub - dt.timedelta(days=back)).isoformat()[:7]
    return ""


_FOUR_DIGITS = re.compile(r"^(\d{4})")


def _ref_year(meta: Mapping[str, str]) -> int | None:
    for col in ("published", "event_date"):
        m = _FOUR_DIGITS.match(meta.get(col) or "")
        if m:
            return int(m.group(1))
    return None


def _dates_of_sentence(sid: int, text: str, dates: Sequence[tuple[int, str, str]],
                       meta: Mapping[str, str], year_hint: int | None) -> list[str]:
    """ISO dates (full or year-month) stated in one sentence, in order.

    ``dates`` are the DATE mentions of stage 02 ``(sentence_id, text, canonical)``. A day and
    month without a year ("12 July") takes the year of the last month-and-year date stated
    nearby (``year_hint``) when that differs from the document's own year; bare month names
    ("in March") and relative days ("on Tuesday") are read here too. A date that bounds a
    period ("since April 2018") or dates a text about the event ("an October 6 press
    statement", "issued on ...") is skipped.
    """
    out: list[str] = []
    ref = _ref_year(meta)
    for s, txt, canon in dates:
        if s != sid:
            continue
        at = text.find(txt) if txt else -1
        if at > 0 and (_BOUND.search(text[:at]) or _DOC_BEFORE.search(text[:at])):
            continue
        if at >= 0 and _DOC_AFTER.match(text[at + len(txt):]):
            continue
        canon = canon or ""
        if _ISO_FULL.match(canon) or _ISO_MONTH.match(canon):
            if not _YEAR.search(txt) and year_hint and ref and year_hint != ref:
                canon = f"{year_hint}{canon[4:]}"
            out.append(canon)
        elif _RELATIVE.fullmatch(txt.strip()) or _RELATIVE.fullmatch(canon.strip()):
            rel = relative_date(txt.strip(), meta.get("published") or "")
            if rel:
                out.append(rel)
    if not out and not _RELATIVE_NEEDS.cannot_match(text, lower_for_literals(text)):
        for m in _RELATIVE.finditer(text):
            rel = relative_date(m.group(0), meta.get("published") or "")
            if rel:
                out.append(rel)
    if not out and not _BARE_MONTH_NEEDS.cannot_match(text, None):
        for m in _BARE_MONTH.finditer(text):
            year = year_hint or ref
            if year is None:
                continue
            month = MONTHS[m.group(1).lower()]
            pub = re.match(r"^(\d{4})-(\d{2})", meta.get("published") or "")
            if not year_hint and pub and int(pub.group(1)) == year and month > int(pub.group(2)):
                year -= 1  # "in October" in an article of March: the October before
            out.append(f"{year}-{month:02d}")
    return out


def _better_date(a: str, b: str) -> str:
    """The more precise of two dates, when they agree (else ``a``)."""
    if not a:
        return b
    if b and len(b) > len(a) and b.startswith(a):
        return b
    return a


# --------------------------------------------------------------------------- per document


def _when(sids: Sequence[int], sentences: Sequence[Sentence],
          dates: Sequence[tuple[int, str, str]], meta: Mapping[str, str],
          kind: str, window: int, taken: frozenset[int] = frozenset(),
          ) -> tuple[str, str, str, str]:
    """Session and date stated at the event's sentences and in the ``window`` sentences
    before them: ``(own session, own date, nearby session, nearby date)``. The event's
    first sentence comes first, then the sentences before it (up to one that reports another
    event, in ``taken``), then its other sentences."""
    order = [sn.sentence_id for sn in sentences]
    text = {sn.sentence_id: sn.text for sn in sentences}
    pos = {sid: i for i, sid in enumerate(order)}
    own = [s for s in sids if s in pos]
    first = min((pos[s] for s in own), default=0)
    near = []
    for i in range(first - 1, max(-1, first - 1 - window), -1):
        if order[i] in taken:
            break  # what is said there belongs to that other event
        near.append(order[i])

    by_sid: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for d in dates:  # each sentence's dates, in order (read once, not per sentence)
        by_sid[d[0]].append(d)

    def year_before(i: int) -> int | None:
        """Year of the last month-and-year date in this or the two sentences before."""
        for j in range(i, max(-1, i - 3), -1):
            ys = [c[:4] for s, t, c in by_sid.get(order[j], ()) if _YEAR.search(t)
                  and (_ISO_MONTH.match(c) or _ISO_FULL.match(c))]
            if ys:
                return int(ys[-1])
        return None

    def scan(ids: Sequence[int]) -> tuple[str, str]:
        session = date = ""
        for sid in ids:
            t = text[sid]
            if not session and not _OTHER_BODY.search(t):
                ss = [s for s in sessions_in(t)
                      if (kind == "review") == s.startswith("UPR")]
                session = ss[0] if ss else ""
            for d in _dates_of_sentence(sid, t, by_sid.get(sid, ()), meta,
                                        year_before(pos[sid])):
                if not date or (len(d) > len(date) and d.startswith(date)):
                    date = _better_date(date, d)
        return session, date

    own_sorted = sorted(own, key=lambda x: pos[x])
    s_first, d_first = scan(own_sorted[:1])
    s_near, d_near = scan(near)
    s_rest, d_rest = scan(own_sorted[1:])
    s_own = s_first or s_rest
    d_own = d_first or ("" if d_near else d_rest)
    if d_own and d_rest and len(d_rest) > len(d_own) and d_rest.startswith(d_own):
        d_own = d_rest
    return s_own, d_own, s_near, d_near


def _other_body(sids: Sequence[int], sentences: Sequence[Sentence]) -> bool:
    text = {sn.sentence_id: sn.text for sn in sentences}
    return any(_OTHER_BODY.search(text.get(s, "")) for s in sids)


def doc_event_rows(doc_id: str, events: Sequence[Any], sentences: Sequence[Sentence],
                   dates: Sequence[tuple[int, str, str]], meta: Mapping[str, str], *,
                   subject: str = "", window: int = 2) -> list[dict[str, Any]]:
    """events.csv rows of one document: each event with its session, date, kind and id.

    Args:
        doc_id: the document.
        events: its :class:`helpers.tallies.Event` objects (``kind`` used when present).
        sentences: the document's sentences in order (:mod:`helpers.text`).
        dates: DATE mentions of stage 02, ``(sentence_id, text, canonical)``.
        meta: the document's row of documents.csv (``hrc_session``, ``event_date``,
            ``published``, ``outlet``, ``event_type``; missing keys read as "").
        subject: ISO3 of the country under review.
        window: how many sentences before an event's first sentence may give its date.

    The metadata session and date describe the event the document is about: they go to
    the only event, or to the event whose stated session or date matches them (if none
    matches, to the first event that states neither), and only where they agree with what
    the text says next to that event (a date stated there wins over the metadata).
    """
    meta = {k: (v if isinstance(v, str) else "") for k, v in meta.items()}
    m_sess, m_date = meta.get("hrc_session", ""), meta.get("event_date", "")
    text = {sn.sentence_id: sn.text for sn in sentences}
    found = []
    for e in events:
        taken = frozenset(s for o in events if o is not e for s in o.sentence_ids)
        sids = list(e.sentence_ids)
        own_texts = [text.get(s, "") for s in sids]
        kind = getattr(e, "kind", "") or ""
        if kind not in KINDS:
            kind = ""
        if not kind:
            kind = event_kind(own_texts, default="")
        found.append([e, kind, *_when(sids, sentences, dates, meta, kind or "dialogue",
                                      window, taken)])
    # which event is the one the metadata describes
    target = None
    if m_sess or m_date:
        if len(found) == 1:
            target = 0
        else:
            for i, (_, _, s_own, d_own, s_near, d_near) in enumerate(found):
                s, d = s_own or s_near, d_own or d_near
                if (s and s == m_sess) or (d and m_date and (d == m_date or (
                        len(d) < len(m_date) and m_date.startswith(d)))):
                    target = i
                    break
            if target is None:
                target = next((i for i, f in enumerate(found) if not any(f[2:])), None)
    out = []
    for i, (e, kind, s_own, d_own, s_near, d_near) in enumerate(found):
        notes = []
        date = d_own
        session = s_own or (s_near if consistent(s_near, d_own or d_near, kind or "dialogue")
                            else "")
        if i == target:
            if not kind:
                kind = event_kind([text.get(s, "") for s in e.sentence_ids],
                                  hint=meta.get("event_type", ""), default="")
            k = kind or "dialogue"
            # a date stated nearby (not at the event) beats the metadata date only when the
            # metadata date lies outside the metadata session and the nearby one inside it
            if d_near and not date and not (
                    m_date and (not m_sess or session_for_date(m_date, k) == m_sess
                                or session_for_date(d_near, k) != (m_sess or session))):
                date = d_near
            if m_date and (not date or (len(date) < len(m_date) and m_date.startswith(date))) \
                    and consistent(session, m_date, k):
                date = m_date
                notes.append("date from metadata")
            if m_sess and not session and consistent(m_sess, date, k):
                session = m_sess
                notes.append("session from metadata")
        else:
            date = date or d_near
        if not kind:
            kind = event_kind([text.get(s, "") for s in e.sentence_ids])
        if not session and date and not _other_body(e.sentence_ids, sentences):
            session = session_for_date(date, kind)
            if session:
                notes.append("session from the date")
        parts = getattr(e, "parts", {}) or {}
        check_ok = e.check == "ok"
        old_notes = getattr(e, "notes", "") or ""
        out.append({
            "doc_id": doc_id, "hrc_session": session, "event_date": date,
            "total": e.total,
            **{st: parts.get(st, 0 if check_ok else None) for st in PARTS},
            "check": e.check, "source": e.source, "kind": kind,
            "event_id": make_event_id(subject, session, date, kind),
            "sentence_ids": ";".join(map(str, e.sentence_ids)),
            "notes": "; ".join(x for x in (old_notes, *notes) if x),
            "outlet": meta.get("outlet", ""), "subject_country": subject})
    return out


def doc_main_event(doc_id: str, sentences: Sequence[Sentence],
                   meta: Mapping[str, str], *, subject: str = "") -> dict[str, str]:
    """The event a document is about when it reports no tally (an official record, a
    report of statements): session and date from metadata, else the first stated in the
    text; kind from metadata ``event_type`` and the text."""
    meta = {k: (v if isinstance(v, str) else "") for k, v in meta.items()}
    texts = [sn.text for sn in sentences]
    kind = event_kind(texts[:6], hint=meta.get("event_type", ""))
    session = meta.get("hrc_session", "")
    date = meta.get("event_date", "")
    if not session:
        for t in texts:
            ss = [s for s in sessions_in(t) if (kind == "review") == s.startswith("UPR")
                  and consistent(s, date, kind)]
            if ss:
                session = ss[0]
                break
    if not session and date:
        session = session_for_date(date, kind)
    return {"doc_id": doc_id, "subject_country": subject, "kind": kind,
            "hrc_session": session, "event_date": date,
            "event_id": make_event_id(subject, session, date, kind)}


# --------------------------------------------------------------------------- across documents


def _key(r: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return (str(r.get("subject_country") or ""), str(r.get("kind") or ""),
            str(r.get("hrc_session") or ""), str(r.get("event_date") or ""))


def link_events(event_rows: Sequence[dict[str, Any]],
                extra: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Give every report of one real event the same session, date and ``event_id``.

    Reports are grouped by subject country and kind. Within a group, a report that lacks a
    part of the key borrows it from the reports that state it and agree on the rest:

    * no full date (none, or only a year-month): the full date most reports of the same
      session give (within that month, if one is stated); with no session either, the full
      date most reports of that month give;
    * no session: the session most reports of the same full date give.

    When the candidates disagree the most frequent wins (ties: the earliest); the borrowing
    is noted in ``notes`` ("date from d01, d12"). Nothing is borrowed across subjects or
    kinds, and a report that states its own session and date keeps them.

    Args:
        event_rows: rows of :func:`doc_event_rows` from every document (changed copies
            are returned).
        extra: further events (e.g. official records' :func:`doc_main_event`) that may lend
            their session and date but are not returned.
    """
    out = [dict(r) for r in event_rows]
    pool = out + [dict(r) for r in extra]
    n_out = len(out)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(pool):
        groups[(str(r.get("subject_country") or ""), str(r.get("kind") or ""))].append(i)
    for idxs in groups.values():
        # indexes of what the reports state: full dates by session and by month, sessions
        # by full date (built before any borrowing, so borrowed values are not lent on)
        by_session: dict[str, list[int]] = defaultdict(list)
        by_month: dict[str, list[int]] = defaultdict(list)
        by_date: dict[str, list[int]] = defaultdict(list)
        date_cache: dict[tuple[str, str], tuple[str, str]] = {}
        sess_cache: dict[str, tuple[str, str]] = {}
        for i in idxs:
            sess, date = str(pool[i].get("hrc_session") or ""), str(pool[i].get("event_date") or "")
            if _ISO_FULL.match(date):
                by_month[date[:7]].append(i)
                if sess:
                    by_session[sess].append(i)
                    by_date[date].append(i)
        for i in idxs:
            if i >= n_out:
                continue
            r = pool[i]
            sess, date = str(r.get("hrc_session") or ""), str(r.get("event_date") or "")
            notes = []
            if not _ISO_FULL.match(date) and (sess or _ISO_MONTH.match(date)):
                if (sess, date) not in date_cache:  # the lenders never include r itself
                    cands = [j for j in (by_session.get(sess, []) if sess else by_month[date])
                             if str(pool[j]["event_date"]).startswith(date)]
                    best = _most_common([str(pool[j]["event_date"]) for j in cands]) \
                        if cands else ""
                    date_cache[(sess, date)] = (best, _docs((pool[j] for j in cands),
                                                            "event_date", best))
                best, lenders = date_cache[(sess, date)]
                if best and consistent(sess, best, str(r.get("kind") or "")):
                    r["event_date"] = best
                    notes.append("date from " + lenders)
            date = str(r.get("event_date") or "")
            if not sess and _ISO_FULL.match(date):
                if date not in sess_cache:
                    cands = by_date.get(date, [])
                    best = _most_common([str(pool[j]["hrc_session"]) for j in cands]) \
                        if cands else ""
                    sess_cache[date] = (best, _docs((pool[j] for j in cands),
                                                    "hrc_session", best))
                best, lenders = sess_cache[date]
                if best:
                    r["hrc_session"] = best
                    notes.append("session from " + lenders)
            if notes:
                r["notes"] = "; ".join(x for x in (str(r.get("notes") or ""), *notes) if x)
    for r in out:
        r["event_id"] = make_event_id(*[_key(r)[i] for i in (0, 2, 3, 1)])
    return out


def _most_common(values: Sequence[str]) -> str:
    c = Counter(values)
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return max(c, key=lambda v: (c[v], -first[v]))


def _docs(rows_: Iterable[Mapping[str, Any]], col: str, value: str, *, cap: int = 5) -> str:
    """The documents whose ``col`` is ``value``: at most ``cap`` named, then "and N more"."""
    docs = sorted({str(x["doc_id"]) for x in rows_ if x.get(col) == value})
    more = f" and {len(docs) - cap} more" if len(docs) > cap else ""
    return ", ".join(docs[:cap]) + more


def _int(v: Any) -> int | None:
    if v is None or v == "" or (isinstance(v, float) and v != v):
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def merged_check(total: int | None, parts: Mapping[str, int | None]) -> str:
    """``ok`` / ``incomplete`` / ``mismatch`` for merged figures (the rule of events.csv)."""
    stated = [v for v in parts.values() if v is not None]
    if total is None or not stated:
        return "incomplete"
    s = sum(stated)
    return "ok" if s == total else ("incomplete" if s < total else "mismatch")


def summarise_across(event_rows: Sequence[Mapping[str, Any]],
                     speakers: Sequence[Mapping[str, Any]] = (),
                     outlets: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """event_summary.csv: one row per real-world event (per ``event_id``).

    Figures: per figure, the value most reports state (ties: the smaller); a report that
    does not state a figure does not vote on it (a part of 0, written where a report's other
    parts add up to its total, counts as not stated, as in the gold). ``agreement``:
    ``single`` for one report, ``disagree`` when reports state different values for a
    figure (listed in ``notes`` with their documents), else ``agree``. ``n_reports``
    counts documents (a document may report one event twice, e.g. two rival statements;
    both count towards the figures and the agreement).
    ``official_speakers``: distinct states and blocs the official records name for the
    event (see :mod:`helpers.speakers`), empty when none does.
    """
    outlets = outlets or {}
    by_id: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in event_rows:
        by_id[str(r["event_id"])].append(r)
    named: dict[str, set[str]] = defaultdict(set)
    for s in speakers:
        if s.get("speaker_label") in ("COUNTRY", "BLOC"):
            named[str(s["event_id"])].add(str(s["speaker"]))
    out = []
    for eid in sorted(by_id):
        rs = by_id[eid]
        figs: dict[str, int | None] = {}
        disagree = []
        for f in ("total", *PARTS):
            vals: dict[int, list[str]] = defaultdict(list)
            for r in rs:
                v = _int(r.get(f))
                if v is not None and not (f != "total" and v == 0):
                    vals[v].append(str(r["doc_id"]))
            figs[f] = min(vals, key=lambda v: (-len(vals[v]), v)) if vals else None
            if len(vals) > 1:
                disagree.append(f"{f}: " + "; ".join(
                    f"{v} ({', '.join(sorted(set(d)))})" for v, d in sorted(vals.items())))
        docs = sorted({str(r["doc_id"]) for r in rs})
        agreement = "single" if len(rs) == 1 else ("disagree" if disagree else "agree")
        first = rs[0]
        out.append({
            "event_id": eid, "subject_country": first.get("subject_country") or "",
            "kind": first.get("kind") or "", "hrc_session": first.get("hrc_session") or "",
            "event_date": first.get("event_date") or "", "n_reports": len(docs),
            "doc_ids": ";".join(docs),
            "outlets": ";".join(sorted({o for r in rs if (o := str(
                r.get("outlet") or outlets.get(str(r["doc_id"]), "") or ""))})),
            "sources": ";".join(sorted({str(r["source"]) for r in rs
                                        if isinstance(r.get("source"), str) and r["source"]})),
            **figs, "agreement": agreement,
            "check": merged_check(figs["total"], {p: figs[p] for p in PARTS}),
            "official_speakers": len(named[eid]) if eid in named else None,
            "notes": "; ".join(disagree)})
    return out


def _event_sentences(doc_events: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[int]]]:
    """``(event_id, [sentence ids])`` of a document's events, in order."""
    return [(str(e["event_id"]),
             [int(x) for x in str(e.get("sentence_ids") or "").split(";") if x.strip()])
            for e in doc_events]


def _nearest_in(sid: int, events: Sequence[tuple[str, list[int]]]) -> str:
    """The event (of :func:`_event_sentences`) with a sentence nearest ``sid`` (the first
    on ties); "" when there is none."""
    best, dist = "", None
    for eid, sids in events:
        d = min((abs(sid - x) for x in sids), default=10**6)
        if dist is None or d < dist:
            best, dist = eid, d
    return best


def _nearest_event(sid: int, doc_events: Sequence[Mapping[str, Any]]) -> str:
    return _nearest_in(sid, _event_sentences(doc_events))


def actor_record(stance_rows: Sequence[Mapping[str, Any]],
                 event_rows: Sequence[Mapping[str, Any]],
                 main_events: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """actor_record.csv: each state's and bloc's stance per event across all documents.

    A stated position goes to the event of its document whose sentences are nearest to it
    (the document's single event when it has one), else to the document's own event
    (:func:`doc_main_event`). Per (actor, event): the stance most statements give (ties: the
    one more documents give, then alphabetical), ``n_statements``, ``doc_ids`` and
    ``conflict`` = ``yes`` when statements give the actor different stances; ``stances``
    lists them with their documents.
    """
    per_doc: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for e in event_rows:
        per_doc[str(e["doc_id"])].append(e)
    acc: dict[tuple[str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
    subj: dict[str, str] = {}
    # the current document's events' sentences, and its sentences' nearest events (rows
    # come a document at a time, and many share a sentence)
    at = ""
    parsed: list[tuple[str, list[int]]] = []
    nearest: dict[int, str] = {}
    for s in stance_rows:
        doc = str(s["doc_id"])
        evs = per_doc.get(doc)
        if evs:
            if doc != at:
                at, parsed, nearest = doc, _event_sentences(evs), {}
            sid = int(s["sentence_id"])
            eid = nearest.get(sid)
            if eid is None:
                eid = nearest[sid] = _nearest_in(sid, parsed)
            subj[eid] = str(evs[0].get("subject_country") or s.get("target") or "")
        else:
            main = main_events.get(doc)
            if not main:
                continue
            eid = str(main["event_id"])
            subj[eid] = str(main.get("subject_country") or s.get("target") or "")
        acc[(str(s["actor"]), eid)].append((str(s["actor_label"]), str(s["stance"]), doc,
                                            str(s.get("target") or "")))
    out = []
    for (actor, eid), sts in sorted(acc.items()):
        counts = Counter(st for _, st, _, _ in sts)
        docs_per = {st: {d for _, x, d, _ in sts if x == st} for st in counts}
        stance = min(counts, key=lambda st: (-counts[st], -len(docs_per[st]), st))
        out.append({
            "actor": actor, "actor_label": sts[0][0],
            "subject_country": subj.get(eid) or sts[0][3], "event_id": eid,
            "stance": stance, "n_statements": len(sts),
            "doc_ids": ";".join(sorted({d for _, _, d, _ in sts})),
            "conflict": "yes" if len(counts) > 1 else "no",
            "stances": "; ".join(f"{st} ({', '.join(sorted(docs_per[st]))})"
                                 for st in sorted(counts))})
    return out


def doc_record_parts(doc_id: str, sentences: Sequence[Sentence],
                     mentions: Sequence[Mapping[str, Any]], meta: Mapping[str, Any],
                     event_rows: Sequence[Mapping[str, Any]], *,
                     subject: str = "") -> dict[str, Any]:
    """What one document contributes to the corpus tables beyond its events (runs per
    document, in a worker).

    Args:
        doc_id: the document.
        sentences: the document's sentences in order (:mod:`helpers.text`).
        mentions: its COUNTRY/BLOC/ORG mentions as dicts (sentence_id, start, end, label,
            canonical).
        meta: its documents.csv row.
        event_rows: its :func:`doc_event_rows`.
        subject: ISO3 of the country under review.

    Returns:
        ``{"main": doc_main_event, "official": bool, "speakers": speakers rows}``; each
        speaker row carries ``_event``, the document event nearest to it ("" if none).
    """
    from helpers.speakers import extract_speakers, is_official

    meta = {k: (v if isinstance(v, str) else "") for k, v in meta.items()}
    main = doc_main_event(doc_id, sentences, meta, subject=subject)
    official = bool(is_official(meta, [sn.text for sn in sentences]))
    speakers: list[dict[str, Any]] = []
    if official:
        speakers = extract_speakers(doc_id, sentences, mentions, event_id="")
        for sp in speakers:
            sp["_event"] = (_nearest_event(int(sp["sentence_id"]), event_rows)
                            if event_rows else "")
    return {"main": main, "official": official, "speakers": speakers}


def corpus_tables(event_rows: Sequence[dict[str, Any]], stance_rows: Sequence[Mapping[str, Any]],
                  parts: Mapping[str, Mapping[str, Any]],
                  outlets: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The corpus-level tables of stage 03: a reduction over every document's rows.

    Args:
        event_rows: :func:`doc_event_rows` of every analysed document.
        stance_rows: stances.csv rows (doc_id, sentence_id, actor, actor_label, stance,
            target are read).
        parts: ``{doc_id: doc_record_parts(...)}`` of every analysed document.
        outlets: ``{doc_id: outlet}``.

    Returns:
        ``{"events", "event_summary", "actor_record", "speakers"}``: events.csv rows with
        linked ids, and the three corpus tables, sorted.
    """
    with_events = {str(r["doc_id"]) for r in event_rows}
    main = {d: dict(p["main"]) for d, p in parts.items()}
    speaker_rows: list[dict[str, Any]] = []
    official_main = []
    # official records without figures still lend (and borrow) their session and date
    for doc in sorted(parts):
        if not parts[doc]["official"]:
            continue
        speaker_rows += [dict(sp) for sp in parts[doc]["speakers"]]
        if doc not in with_events:
            official_main.append({**main[doc], "_main": True})
    linked = link_events(list(event_rows) + official_main)
    events = [r for r in linked if not r.get("_main")]
    main_ids = {r["doc_id"]: r["event_id"] for r in linked if r.get("_main")}
    old_to_new = {(r["doc_id"], old["event_id"]): r["event_id"]
                  for r, old in zip(linked, list(event_rows) + official_main, strict=True)}
    for sp in speaker_rows:
        near = sp.pop("_event")
        sp["event_id"] = old_to_new.get((sp["doc_id"], near), "") if \
            sp["doc_id"] in with_events else main_ids.get(sp["doc_id"], "")
    for doc, eid in main_ids.items():
        main[doc] = {**main[doc], "event_id": eid}
    summary = summarise_across(events, speaker_rows, outlets)
    record = actor_record(stance_rows, events, main)
    events.sort(key=lambda r: (r["doc_id"], [int(x) for x in str(r["sentence_ids"]).split(";")
                                             if x.strip()]))
    speaker_rows.sort(key=lambda r: (r["event_id"], r["doc_id"], r["sentence_id"]))
    return {"events": events, "event_summary": summary, "actor_record": record,
            "speakers": speaker_rows}
