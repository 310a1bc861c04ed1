"""Reference data about states and blocs, shared by every stage.

State names come from pycountry (UN member and observer states, ``data/un_states.csv``) plus
the press's forms in ``data/country_aliases.csv``; blocs, their members, capitals, demonyms
and the name-stopword lexicon are plain files under ``data/``. Loaded once per process.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from helpers.refdata import rows, words


def _reorder(name: str) -> str:
    """pycountry's "Korea, Republic of" → "Republic of Korea"; drop "(...)" and a leading
    "The"."""
    name = re.sub(r"\s*\(.*?\)", "", name).strip()
    if ", " in name:
        head, tail = name.split(", ", 1)
        name = f"{tail} {head}"
    return name


@lru_cache(maxsize=1)
def state_names() -> dict[str, str]:
    """``{surface name: ISO3 or "-"}`` for UN member and observer states and their aliases."""
    import pycountry

    states = {r["iso3"] for r in rows("un_states.csv")}
    names: dict[str, str] = {}
    for c in pycountry.countries:
        if c.alpha_3 not in states:
            continue
        for attr in ("name", "official_name", "common_name"):
            val = getattr(c, attr, None)
            if not val:
                continue
            for form in {val, _reorder(val)}:
                form = form.strip()
                if "," in form or "(" in form:
                    continue
                if form.lower().startswith("the "):
                    form = form[4:]  # "the State of Palestine": the article is not the name
                names.setdefault(form, c.alpha_3)
    for r in rows("country_aliases.csv"):
        names[r["alias"]] = r["iso3"]
    return names


@lru_cache(maxsize=1)
def iso3_names() -> dict[str, str]:
    """``{ISO3: short English name}`` (pycountry's common name where it has one)."""
    import pycountry

    out = {}
    for c in pycountry.countries:
        out[c.alpha_3] = getattr(c, "common_name", None) or _reorder(c.name)
    return out


@lru_cache(maxsize=1)
def bloc_names() -> dict[str, str]:
    return {r["alias"]: r["canonical"] for r in rows("blocs.csv")}


@lru_cache(maxsize=1)
def bloc_members() -> dict[str, tuple[str, ...]]:
    """``{bloc: (ISO3, ...)}`` from ``data/bloc_members.csv``."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows("bloc_members.csv"):
        out[r["bloc"]].append(r["iso3"])
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    return {r["capital"]: r["iso3"] for r in rows("capitals.csv")}


@lru_cache(maxsize=1)
def name_stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in words("name_stopwords.txt"))


@lru_cache(maxsize=1)
def demonym_states() -> dict[str, str]:
    """``{demonym: ISO3 or ""}`` from ``data/demonyms.csv``."""
    return {r["demonym"]: r["iso3"] for r in rows("demonyms.csv")}


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    return frozenset(demonym_states())
