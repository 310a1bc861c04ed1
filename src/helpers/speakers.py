"""Stage 03d: who took the floor, from official records (UN meeting summaries, press releases).

UN meeting summaries end a dialogue or debate with the list of speakers: "Speaking in the
discussion were China, Viet Nam, ...", "Speaking were Tunisia on behalf of the African
Group, ...", "The following non-governmental organizations also took the floor: ...",
"... also took the floor." The sentence forms are in ``data/speaker_cues.csv``.

A document is an **official record** when its metadata ``outlet`` or ``url`` matches a pattern
of ``data/official_outlets.csv`` (the UN, OHCHR, UNOG, "meeting summary" ...) or when its text
holds a speaker-list sentence in one of those forms. A mission's own press release is not one.

Each listed speaker becomes a row: a state (``COUNTRY``, speaker = ISO3), a bloc (``BLOC``,
its canonical name), an organisation stage 02 tagged (``ORG``), or anything else named in
the list, such as NGOs and national human rights institutions (``OTHER``, the name as
written). "Tunisia on behalf of the African Group" gives speaker TUN, on_behalf_of
"African Group". Entities come from stage 02 (entities.csv); nothing is re-tagged here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from helpers.refdata import rows
from helpers.text import Sentence


@lru_cache(maxsize=1)
def _cues() -> list[tuple[str, re.Pattern[str]]]:
    """Speaker-list sentence patterns of ``data/speaker_cues.csv``, compiled once."""
    return [(r["side"], re.compile(r["pattern"], re.IGNORECASE))
            for r in rows("speaker_cues.csv")]


@lru_cache(maxsize=1)
def _official() -> list[tuple[str, re.Pattern[str]]]:
    """Outlet and url patterns of ``data/official_outlets.csv``, compiled once."""
    return [(r["field"], re.compile(r["pattern"], re.IGNORECASE))
            for r in rows("official_outlets.csv")]


# a whole list item that names no one in particular ("non-governmental organizations")
_GENERIC = re.compile(
    r"^(?:(?:several|some|many|other|a number of|numerous|the following|various) )*"
    r"(?:non-governmental organi[sz]ations|NGOs|civil society(?: organi[sz]ations| groups)?|"
    r"delegations|observers|observer states|speakers|states|countries|others|"
    r"national human rights institutions|(?:United Nations|UN) agencies)$", re.IGNORECASE)
# "Thirty-one countries in all", "45 delegations": a count, not a speaker
_COUNTED = re.compile(r"^(?:\d+|[a-z]+(?:-[a-z]+)?)\s+(?:other\s+)?(?:countries|states|"
                      r"delegations|speakers|NGOs|organi[sz]ations|observers)\b", re.IGNORECASE)
# "X on behalf of Y": X speaks, for the group Y
_BEHALF = re.compile(r"^(?P<sp>.+?),? (?:speaking )?on behalf of (?P<grp>.+)$", re.IGNORECASE)
# list separators: commas and semicolons outside parentheses
_SEP = re.compile(r"[,;](?![^()]*\))")
# words that open or close an item without naming anyone
_LEAD = re.compile(r"^(?:(?:and|as well as|also|the|representatives of|the delegations? of|"
                   r"delegations? of)\s+)+", re.IGNORECASE)
_TRAIL = re.compile(r"[\s.:;,]+$")
# the header of a list of non-state speakers
_NON_STATE = re.compile(r"organi[sz]ation|NGO|civil society|institution|agenc|bod(?:y|ies)|"
                        r"fund|programme|observer", re.IGNORECASE)


def is_official(meta: Mapping[str, Any], texts: Sequence[str] = ()) -> str:
    """How a document is recognised as an official record: ``outlet``, ``url``, ``text``
    (a speaker-list sentence), or "" when it is not one."""
    for field, pat in _official():
        val = meta.get(field)
        if isinstance(val, str) and pat.search(val):
            return field
    if any(speaker_list(t, strong=True) for t in texts):
        return "text"
    return ""


def speaker_list(sentence: str, *, strong: bool = False) -> tuple[int, int, str] | None:
    """The span of the list in a speaker-list sentence and what kind of speakers the
    sentence says it names: ``(start, end, who)``, or None.

    Args:
        sentence: one sentence.
        strong: only the forms that open with the cue ("Speaking were ..."), which alone
            mark a text as an official record; "... also took the floor" is weaker.
    """
    s = sentence.rstrip()
    for side, pat in _cues():
        if strong and side != "after":
            continue
        m = pat.match(s)
        if m:
            a, b = m.span("list")
            while b > a and s[b - 1] in ".;: ":
                b -= 1
            who = m.groupdict().get("who") or ""
            return (a, b, who) if b > a else None
    return None


def _items(text: str, a: int, b: int, spans: Sequence[tuple[int, int]], *,
           names_with_and: bool = False) -> list[tuple[int, int]]:
    """Split the list ``text[a:b]`` into items at commas, semicolons and "and". An "and"
    inside a tagged name ("Trinidad and Tobago") does not split; in a list of
    organisations (``names_with_and``), whose names often hold an "and", only the "and"
    before the last item splits, and not after a serial comma (", and X")."""
    cuts = [a]
    for m in _SEP.finditer(text, a, b):
        cuts += [m.start(), m.end()]
    cuts.append(b)
    out = []
    pairs = list(zip(cuts[::2], cuts[1::2], strict=True))
    for n, (x, y) in enumerate(pairs):
        start = x
        last = n == len(pairs) - 1 and not re.match(r"\s*and\s", text[x:y])
        for m in re.finditer(r"\s(?:and|as well as)\s", text[x:y]):
            pos = x + m.start()
            if names_with_and and m.group(0).strip() == "and" and not last:
                continue
            if not any(s <= pos < e for s, e in spans) and \
                    "behalf of" not in text[start:pos][-12:]:
                out.append((start, pos))
                start = x + m.end() - 1
        out.append((start, y))
    return [(x, y) for x, y in out if text[x:y].strip()]


def _clean(t: str) -> str:
    return _TRAIL.sub("", _LEAD.sub("", t.strip()))


def extract_speakers(doc_id: str, sentences: Sequence[Sentence],
                     mentions: Sequence[Mapping[str, Any]], *,
                     event_id: str = "") -> list[dict[str, Any]]:
    """speakers.csv rows of one document's speaker-list sentences.

    Args:
        doc_id: the document.
        sentences: the document's sentences (:mod:`helpers.text`); ``start`` is a sentence's
            offset in the document (mention offsets are document offsets).
        mentions: the document's COUNTRY/BLOC/ORG mentions (``sentence_id``, ``start``,
            ``end``, ``label``, ``canonical``).
        event_id: the event the document records.

    Returns:
        One row per listed speaker: event_id, doc_id, sentence_id, speaker, speaker_label
        (COUNTRY, BLOC, ORG or OTHER), on_behalf_of, and ``speaker_text`` as written.
    """
    out: list[dict[str, Any]] = []
    by_sent: dict[int, list[Mapping[str, Any]]] = {}
    for m in mentions:
        if m.get("label") in ("COUNTRY", "BLOC", "ORG"):
            by_sent.setdefault(int(m["sentence_id"]), []).append(m)
    for sn in sentences:
        sid, start, text = sn.sentence_id, sn.start, sn.text
        found = speaker_list(text)
        if not found:
            continue
        a, b, who = found
        ents = [(int(m["start"]) - start, int(m["end"]) - start, str(m["label"]),
                 str(m["canonical"])) for m in by_sent.get(sid, [])]
        non_state = bool(_NON_STATE.search(who))
        seen: set[tuple[str, str]] = set()
        for x, y in _items(text, a, b, [(s, e) for s, e, _, _ in ents],
                           names_with_and=non_state):
            item = text[x:y]
            bm = _BEHALF.match(item.strip())
            sp_text = bm.group("sp") if bm else item
            grp_text = bm.group("grp") if bm else ""
            off = x + (len(item) - len(item.lstrip()))
            sp_span = (off, off + len(sp_text))
            speaker, label = _name(sp_text, sp_span, ents, non_state)
            if not speaker:
                continue
            behalf = ""
            if grp_text:
                g_off = off + bm.start("grp")  # type: ignore[union-attr]
                g_span = (g_off, g_off + len(grp_text))
                inside = [e for e in ents if e[0] >= g_span[0] and e[1] <= g_span[1]
                          and e[2] in ("BLOC", "COUNTRY")]
                behalf = inside[0][3] if inside and len(_clean(grp_text)) <= \
                    (inside[0][1] - inside[0][0]) + 4 else _clean(grp_text)
            if (speaker, behalf) in seen:
                continue
            seen.add((speaker, behalf))
            out.append({"event_id": event_id, "doc_id": doc_id, "sentence_id": sid,
                        "speaker": speaker, "speaker_label": label, "on_behalf_of": behalf,
                        "speaker_text": _clean(sp_text)})
    return out


def _name(sp_text: str, span: tuple[int, int], ents: Sequence[tuple[int, int, str, str]],
          non_state: bool) -> tuple[str, str]:
    """``(speaker, label)`` of one list item; ("", "") for a generic one."""
    name = _clean(sp_text)
    if not name or _GENERIC.match(name) or _COUNTED.match(name):
        return "", ""
    inside = [e for e in ents if e[0] >= span[0] and e[1] <= span[1]]
    for want in ("COUNTRY", "BLOC"):
        for s, e, label, canon in inside:
            # the state itself, not an institution named after it
            if label == want and not non_state and len(name) <= (e - s) + 4:
                return canon, label
    for s, e, label, canon in inside:
        if label == "ORG" and len(name) <= (e - s) + 4:
            return canon, "ORG"
    return name, "OTHER"
