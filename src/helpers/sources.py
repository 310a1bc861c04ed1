"""Who a figure comes from: attribution phrases and their canonical names.

A sentence attributes its figures with "according to X", "X said/noted/counted ...", "...,
X said", "in a statement by X"; a press release attributes them to its issuer, named in its
heading ("PERMANENT MISSION OF THE KINGDOM OF CAMBODIA"). :func:`find_attribution` finds the
phrase, :func:`canonical_source` names it the same way across articles with the patterns of
``data/sources.csv`` ("the Kingdom's Permanent Mission in Geneva" → "Permanent Mission of
Cambodia", "the state news agency Xinhua" → "Xinhua"), a titled organisation as written
("the Cambodian Human Rights Committee"), or a person the article names.

The state in a name comes from the text alone: the attribution itself ("Cambodia's mission",
"the Cambodian mission"), the person's described role, the last organisation of that kind the
document named in full, or the state the document names most. A run parameter never names a
source. Anything else — a dateline, a pronoun, a fragment, a long clause — gives no source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from helpers.phrases import Match, PhraseIndex
from helpers.refdata import rows
from helpers.text import Literals, Sentence, lower_for_literals, tokens_of

# Verbs of attribution (not their -s forms that double as plural nouns: "states", "reports")
_VERBS = (r"said|says|say|stated|noted|reported|announced|counted|pointed out|"
          r"told [\w ]{2,40}?|added|claimed|wrote|tallied|recorded")
# Attribution phrases, most specific first; each yields the group "src".
_PATTERNS = [
    # "according to the state news agency Xinhua, ..."
    re.compile(r"\baccording to (?P<src>[^,.;:“”\"()]{3,100})", re.IGNORECASE),
    # "in a statement/press release (issued) by X"
    re.compile(r"\bin an? (?:[\w-]+ )?(?:press |news )?(?:statement|release|communiqu[eé]|"
               r"summary)(?: (?:released|published|issued|posted))?(?: on [\w ,]+?)? by "
               r"(?P<src>[^,.;“”\"]{3,100})", re.IGNORECASE),
    # "By the ministry's count, ..."
    re.compile(r"\b(?:by|in) (?P<src>(?:the |its )?[\w’' -]{2,60}?)['’]s (?:count|tally|figures|"
               r"reckoning)\b", re.IGNORECASE),
    # "..., the Kingdom's Permanent Mission in Geneva said on Thursday."
    re.compile(r"(?:^|, |– |— |\. )(?P<src>(?:[Tt]he |[Aa]n? |[Ii]ts )?(?:[\w’'.-]+ ){0,14}?"
               r"[\w’'.-]+)(?: \([A-Z]{2,8}\))?(?:, [^,]{3,80},)? (?:" + _VERBS + r")\b"),
    # "..., said Ney Samol, Cambodia's ambassador to the UN."
    re.compile(r"(?:,|”|\") (?:said|says|according to|noted) "
               r"(?P<src>(?:the )?[A-Z][^.;“”\"]{2,100})"),
    # "Ambassador X read (out) a joint statement", "the statement, read by X"
    re.compile(r"(?:^|, |\. )(?P<src>(?:[A-Z][\w’'.-]+ |(?:ambassador|envoy|representative|"
               r"delegate|counsellor|minister) ){1,6}?(?:of [A-Z][\w’'-]+ )?)"
               r"(?:read|delivered|presented)(?: out)? (?:a|the) (?:[\w-]+ )?statement\b"),
    re.compile(r"\bstatement,? (?:read|delivered|presented)(?: out)? by (?P<src>[A-Z][^,.;“”\"]"
               r"{2,80})"),
]
# Literal words one of which each pattern above needs, in its order (lower-case for the
# patterns that ignore case), and words it needs all of: a sentence without them is not
# searched with it
_APOSTROPHE_S = ("'s ", "’s ")
_PATTERN_NEEDS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("according to",), ()),
    (("statement", "release", "communiqu", "summary"), (" by ",)),
    (tuple(a + w for a in _APOSTROPHE_S for w in ("count", "tally", "figures", "reckoning")),
     ()),
    ((" said", " say", " stated", " noted", " reported", " announced", " counted",
      " pointed out", " told ", " added", " claimed", " wrote", " tallied", " recorded"), ()),
    (tuple(q + w for q in (", ", "” ", '" ')
           for w in ("said ", "says ", "according to ", "noted ")), ()),
    (("statement",), ()),
    (("statement",), (" by ",)),
]
_PATTERN_CHECKS = [(p, Literals(w, bool(p.flags & re.IGNORECASE), all_of=a))
                   for p, (w, a) in zip(_PATTERNS, _PATTERN_NEEDS, strict=True)]
# A ministry's or department's full name, listing its portfolios with commas ("Ministry of
# Foreign Affairs, Foreign Employment and Tourism"): kept as written
_FULL_NAME = re.compile(r"\b(?:Ministry|Department) of [A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*"
                        r"(?:, [A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*)*,? and [A-Z][\w’'-]+"
                        r"(?: [A-Z][\w’'-]+)*")
# What a comma inside a full name is hidden as while attribution phrases are read
_COMMA_MASK = "_C_"
_PRONOUN = re.compile(r"^(?:he|she|they|it|we|i|this|that|these|those|there|one|who|which|"
                      r"its|their|his|her)\b", re.IGNORECASE)
# A titled organisation: capitalised words (with of/and/for/the) containing a head noun
_ORG = re.compile(r"\b(?P<org>(?:[A-Z][\w’'-]+ (?:(?:of|and|for|on|the) )*)*(?:Committee|"
                  r"Commission|Ministry|Council|Agency|Office|Institute|Centre|Center|"
                  r"Foundation|Watch|Network|Secretariat)(?: (?:(?:of|and|for|on|the) )*"
                  r"[A-Z][\w’'-]+)*)")
# The head nouns of _ORG: a text without one names no organisation
_ORG_HEADS = ("Committee", "Commission", "Ministry", "Council", "Agency", "Office", "Institute",
              "Centre", "Center", "Foundation", "Watch", "Network", "Secretariat")
_GENERIC_ORG = re.compile(r"^(?:Ministry of Foreign Affairs|Foreign Ministry|Permanent Mission|"
                          r"Mission|Ministry|Council|Human Rights Council|Office|"
                          r"Security Council|General Assembly|Committee|Commission)$")
# "Mr. Sabry said": the dot of a title ends no phrase
_TITLE_DOT = re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof|Gen|Amb|H\.E|Adm)\.")
_TITLE_NEEDS = ("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Gen.", "Amb.", "H.E.", "Adm.")
# A person heading a Permanent Mission: their figures are the mission's ("Cambodia's
# ambassador to the UN in Geneva"); a plain "ambassador" keeps the person's name
_ROLE_OF_MISSION = re.compile(r"permanent (?:representative|mission)|head of (?:the )?mission|"
                              r"mission(?:['’]s)? head|ambassador to the (?:UN|United Nations)",
                              re.IGNORECASE)


# A person's title that names the office they speak for
_TITLE_OFFICE = re.compile(r"\bforeign (?:minister|ministry)|ministry of foreign affairs|"
                           r"foreign affairs minister", re.IGNORECASE)
# Words for one who speaks for a body ("Ministry spokesman X")
_SPOKES = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokespeople", "president",
                     "chairman", "chairwoman", "chair", "head", "secretary-general"})
# "the committee's president Keo Remy", "head of the committee": a person heading a body
_ROLE_OF_BODY = re.compile(r"\b(\w+)(?:['’]s)? (?:president|head|chair(?:man|woman)?|"
                           r"spokes(?:man|woman|person))\b|\b(?:president|head|chair(?:man|"
                           r"woman)?|spokes(?:man|woman|person)) of the (\w+)", re.IGNORECASE)
# Words that refer back to the outlet named before ("the newspaper said")
_OUTLET_REFS = ("newspaper", "paper", "agency", "outlet", "daily", "wire")
# "the Cambodian Human Rights Committee (CHRC)": an acronym for a body
_ACRONYM = re.compile(r"\((?P<acr>[A-Z]{2,8})\)")


@lru_cache(maxsize=1)
def source_index() -> PhraseIndex:
    """Source patterns of ``data/sources.csv`` (payload = canonical template)."""
    return PhraseIndex(((r["phrase"], "SRC", r["canonical"]) for r in rows("sources.csv")),
                       ignore_case=True)


@lru_cache(maxsize=1)
def _state_index() -> PhraseIndex:
    """State names, capitals and demonyms → ISO3 (payload)."""
    from helpers.lexicon import capitals, demonym_states, state_names

    entries = [(n, "STATE", iso) for n, iso in state_names().items() if iso != "-"]
    entries += [(c, "STATE", iso) for c, iso in capitals().items()]
    entries += [(d, "STATE", iso) for d, iso in demonym_states().items() if iso]
    return PhraseIndex(entries)


def states_named(text: str) -> list[str]:
    """ISO3 of the states a text names (names, short forms, capitals, demonyms), in order."""
    return list(_states_named(text))


@lru_cache(maxsize=4096)
def _states_named(text: str) -> tuple[str, ...]:
    return _states_in_keys(tokens_of(text))


def _states_in_keys(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(m.payload for m in _state_index().find(keys))


@lru_cache(maxsize=256)
def _is_kingdom(iso3: str) -> bool:
    """True for a state whose official name is "Kingdom of ..." (Cambodia, Thailand ...)."""
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return bool(c) and getattr(c, "official_name", "").startswith("Kingdom of")


def country_name(iso3: str) -> str:
    from helpers.lexicon import iso3_names

    return iso3_names().get(iso3, iso3)


# a title with a dot, a titled body's head noun: what the patterns after them need
_TITLE_WORDS = Literals(_TITLE_NEEDS, ignore_case=False)
_ORG_WORDS = Literals(_ORG_HEADS, ignore_case=False)


def attributions(sentence: str) -> list[str]:
    """Candidate attribution phrases of a sentence, most specific pattern first."""
    if not _TITLE_WORDS.cannot_match(sentence, None):
        sentence = _TITLE_DOT.sub(r"\1", sentence)
    for name in full_names(sentence):  # commas inside a full name end no phrase
        sentence = sentence.replace(name, name.replace(",", _COMMA_MASK))
    low = lower_for_literals(sentence)
    out = []
    for pat, needles in _PATTERN_CHECKS:
        if needles.cannot_match(sentence, low):
            continue
        for m in pat.finditer(sentence):
            src = m.group("src").replace(_COMMA_MASK, ",").strip(" ,")
            src = re.sub(r"^(?:In|On|At|But|And|However|Nevertheless|Even so|Responding),? ",
                         "", src)
            if src and not _PRONOUN.match(src) and src not in out:
                out.append(src)
    return out


def full_names(text: str) -> list[str]:
    """Full names of ministries or departments listing their portfolios ("Ministry of
    Foreign Affairs, International Trade and Worship"); not "the Ministry of Foreign Affairs
    and Sri Lanka's mission" (a state after "and" ends the name)."""
    out: list[str] = []
    if "Ministry of " not in text and "Department of " not in text:
        return out  # what the pattern opens with
    for m in _FULL_NAME.finditer(text):
        tail = m.group(0)[len("Ministry of "):]
        if states_named(tail):
            continue
        out.append(m.group(0))
    return out


def find_attribution(sentence: str) -> str:
    """The first attribution phrase of a sentence ("according to ...", "X said"), or ""."""
    found = attributions(sentence)
    return found[0] if found else ""


def canonical_source(phrase: str, *, persons_roles: dict[str, str] | None = None,
                     doc_country: str = "", memory: dict[str, str] | None = None) -> str:
    """Name an attribution phrase the same way across articles ("" when it names nobody).

    Args:
        phrase: the attribution ("the Kingdom's Permanent Mission in Geneva").
        persons_roles: ``{person: words around their mentions}`` of the document.
        doc_country: ISO3 of the state the document names most (for "the mission").
        memory: ``{template: canonical}`` of organisations named in full earlier in the
            document ("the ministry" after "the Ministry of Foreign Affairs and International
            Cooperation"); updated here.
    """
    persons_roles = persons_roles or {}
    memory = memory if memory is not None else {}
    phrase = phrase.strip()
    if not phrase:
        return ""
    if len(phrase.split()) > 14:  # a long subject: its head ("The Permanent Mission of X to ...")
        phrase = " ".join(phrase.split()[:8])
    keys = [k.lower() for k in tokens_of(phrase)]
    # "Ministry spokesman X", "CHRC spokesman X": who speaks for a body named before
    speaks = [k for k in keys if k in memory]
    if speaks and any(k in _SPOKES for k in keys):
        return memory[speaks[0]]
    # a person the article names: their office when they head a mission or speak for a
    # body the article names, else the person
    low_phrase = phrase.lower()
    for person, ctx in persons_roles.items():
        parts = person.split()
        if person.lower() in low_phrase or (len(parts) > 1 and _word_re(parts[-1]).search(
                phrase)):
            if _ROLE_OF_MISSION.search(ctx):
                states = states_named(ctx)
                iso = states[0] if states else doc_country
                return f"Permanent Mission of {country_name(iso)}" if iso else person
            titled = _TITLE_OFFICE.search(ctx)
            if titled:  # "Sri Lanka's Foreign Minister Ali Sabry": the ministry
                states = states_named(ctx)
                iso = states[0] if states else doc_country
                tmpl = source_index().find([k.lower() for k in tokens_of(titled.group(0))])
                if iso and tmpl:
                    return tmpl[0].payload.replace("{country}", country_name(iso))
            office = _ROLE_OF_BODY.search(ctx)
            if office and (office.group(1) or office.group(2)).lower() in memory:
                return memory[(office.group(1) or office.group(2)).lower()]
            return person
    role = _ROLE_OF_MISSION.search(phrase)
    if role and states_named(phrase[:role.end()]):
        # "X, Cambodia's ambassador to the UN in Geneva": the phrase says whom X speaks for
        return f"Permanent Mission of {country_name(states_named(phrase[:role.end()])[-1])}"
    full = full_names(phrase)
    if full:
        memory[_head(full[0])] = full[0]
        return full[0]
    found = [m for m in source_index().find(keys) if not _not_the_government(keys, m)]
    fixed = [m for m in found if "{country}" not in m.payload]
    if fixed:
        if fixed[0].payload != "UN meeting summary":
            for ref in _OUTLET_REFS:
                memory[ref] = fixed[0].payload
        return fixed[0].payload
    # "the committee", "the ministry": the organisation of that kind named in full before
    bare = [k for k in keys if k not in ("the", "its", "their")]
    if len(bare) == 1 and bare[0] in memory:
        return memory[bare[0]]
    states = states_named(phrase)
    if found and states:  # "the Cambodian Permanent Mission to the UN Office in Geneva"
        name = found[0].payload.replace("{country}", country_name(states[0]))
        memory[keys[found[0].j - 1]] = name  # "the mission" later on is this one
        return name
    org = _ORG.search(phrase)
    if org and not _GENERIC_ORG.match(re.sub(r"^The ", "", org.group("org"))):
        name = re.sub(r"^The ", "", org.group("org"))
        okeys = [k.lower() for k in tokens_of(name)]
        tmpl = source_index().find(okeys)
        if not tmpl or not states_named(name):
            memory[_head(name)] = name  # a titled body as written
            return name
    if found:
        m = found[0]
        states = states_named(phrase)
        iso = states[0] if states else doc_country
        if not states and "kingdom" in keys and memory.get("#kingdom"):
            iso = memory["#kingdom"]  # "the Kingdom's mission": the kingdom the text names
        word = keys[m.j - 1]
        kingdom = not states and "kingdom" in keys and bool(memory.get("#kingdom"))
        if not states and not kingdom and word in memory:
            return memory[word]
        if not iso:
            return ""
        name = m.payload.replace("{country}", country_name(iso))
        if kingdom:
            memory[word] = name
        return name
    return ""


@lru_cache(maxsize=4096)
def _word_re(word: str) -> re.Pattern[str]:
    """``word`` as a whole word (compiled once per word)."""
    return re.compile(rf"\b{re.escape(word)}\b")


# What may follow "government" when the government itself is the source ("the government
# said", "the government's count", "government spokesman X", "according to government figures")
_GOVERNMENT_HEAD_NEXT = frozenset({"'s", "’s", "of", "in", "spokesman", "spokeswoman",
                                   "spokesperson", "spokespeople", "figures", "count", "tally",
                                   "statement", "data", "sources", "officials", "official"})


def _not_the_government(keys: Sequence[str], m: Match) -> bool:
    """True when "government" in an attribution is a modifier of someone else ("a
    government critic", "the pro-government daily"): the government said nothing."""
    if not m.payload.startswith("Government of"):
        return False
    prev = keys[m.i - 1] if m.i > 0 else ""
    return prev.startswith(("pro", "anti")) or (m.j < len(keys) and
                                                 keys[m.j] not in _GOVERNMENT_HEAD_NEXT)


_HEADS = ("committee", "commission", "ministry", "council", "agency", "office", "institute",
          "centre", "center", "foundation", "watch", "network", "secretariat")


def _head(name: str) -> str:
    """The head noun of an organisation's name ("ministry", "committee")."""
    low = [w.lower() for w in name.split()]
    return next((w for w in low if w in _HEADS), low[-1])


def issuer(sentences: Sequence[Sentence]) -> str:
    """The issuer a press release names in its heading ("PERMANENT MISSION OF THE KINGDOM OF
    CAMBODIA", "Permanent Mission of Sri Lanka to the United Nations, Geneva"), or ""."""
    for s in sentences[:4]:
        text = s.text.strip()
        if len(text.split()) > 20:
            continue
        low = text.lower()
        if low.startswith(("permanent mission", "ministry of foreign affairs",
                           "mission permanente")):
            states = states_named(text.title() if text.isupper() else text)
            if states:
                found = source_index().find([k.lower() for k in tokens_of(text)])
                if found:
                    return found[0].payload.replace("{country}", country_name(states[0]))
    return ""


def document_sources(sentences: Sequence[Sentence], persons_roles: dict[str, str] | None = None
                     ) -> tuple[list[str], str]:
    """Canonical source of each sentence ("" when it attributes nothing) and the document's
    issuer (its heading), for figures the text does not attribute sentence by sentence."""
    # the sentences' tokens in a row are the tokens of their texts joined by spaces (no
    # token holds a space), so a name may run on from one sentence to the next as there
    counts = Counter(_states_in_keys([k for s in sentences for k in s.keys]))
    doc_country = counts.most_common(1)[0][0] if counts else ""
    memory: dict[str, str] = {}
    kingdoms = [iso for iso, _n in counts.most_common() if _is_kingdom(iso)]
    if kingdoms:
        memory["#kingdom"] = kingdoms[0]
    out = []
    for s in sentences:
        for name in full_names(s.text):  # "the ministry" later on is this one
            memory.setdefault(_head(name), name)
        orgs = () if _ORG_WORDS.cannot_match(s.text, None) else _ORG.finditer(s.text)
        for org in orgs:  # remember organisations named in full
            name = re.sub(r"^The ", "", org.group("org"))
            acr = _ACRONYM.match(s.text, org.end() + 1)
            if acr and not _GENERIC_ORG.match(name):
                memory.setdefault(acr.group("acr").lower(), name)
            if not _GENERIC_ORG.match(name) and len(name.split()) > 2 and not (
                    states_named(name) and source_index().find(
                        [k.lower() for k in tokens_of(name)])):
                memory.setdefault(_head(name), name)
        names = (canonical_source(p, persons_roles=persons_roles, doc_country=doc_country,
                                  memory=memory) for p in attributions(s.text))
        out.append(next((n for n in names if n), ""))
    return out, issuer(sentences)
