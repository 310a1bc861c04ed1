from __future__ import annotations

from helpers.clauses import clause_ids, opens_with
from helpers.text import Sentence


def clauses(text: str, items: tuple[str, ...] = ()) -> list[str]:
    """The sentence's clauses as strings (tokens joined by spaces), in id order; ``items``
    are one-token list items."""
    s = Sentence(1, 0, text)
    starts = {k for k, t in enumerate(s.toks) if t in items}
    ids = clause_ids(s.lkeys, is_item=lambda k: k in starts,
                     is_item_end=lambda k: k in starts)
    out: dict[int, list[str]] = {}
    for t, c in zip(s.toks, ids, strict=True):
        out.setdefault(c, []).append(t)
    return [" ".join(v) for _k, v in sorted(out.items())]


def test_semicolon_and_contrast_start_clauses():
    assert clauses("Peru abstained; Chile voted yes.") == ["Peru abstained ;", "Chile voted yes ."]
    assert clauses("Oslo objected, but Rome agreed.") == ["Oslo objected ,", "but Rome agreed ."]
    assert clauses("Kenya spoke while Ghana listened.") == ["Kenya spoke", "while Ghana listened ."]


def test_subordinate_only_after_a_comma():
    # "if" after a comma opens a clause; "after" inside a phrase does not
    assert clauses("We will vote, if the text changes.") == ["We will vote ,",
                                                            "if the text changes ."]
    assert clauses("Talks resumed after lunch.") == ["Talks resumed after lunch ."]


def test_relative_clause_is_embedded_and_the_outer_clause_resumes():
    got = clauses("Fiji and Tonga, which joined last year, abstained.")
    assert got == ["Fiji and Tonga , abstained .", "which joined last year ,"]


def test_relative_clause_keeps_its_list():
    got = clauses("The draft, which was backed by Peru, Chile and Spain, passed.",
                  items=("Peru", "Chile", "Spain"))
    assert got == ["The draft , passed .", "which was backed by Peru , Chile and Spain ,"]


def test_no_connective_one_clause_and_opener_reported():
    s = Sentence(1, 0, "Norway and Iceland voted yes, but Togo did not.")
    ids = clause_ids(s.lkeys)
    assert len(set(ids)) == 2
    assert opens_with(s.lkeys, ids, s.toks.index("Togo")) == "but"
    assert opens_with(s.lkeys, ids, 0) == ""


def test_coordinated_clause_with_its_own_subject_but_not_a_list():
    assert clauses("Oslo criticised the verdict and Rome welcomed it.", items=("Oslo", "Rome")) \
        == ["Oslo criticised the verdict", "and Rome welcomed it ."]
    assert clauses("Oslo, Bern, and Rome welcomed it.", items=("Oslo", "Bern", "Rome")) == [
        "Oslo , Bern , and Rome welcomed it ."]
    # without item predicates nothing is split at "and"
    assert clauses("Oslo criticised the verdict and Rome welcomed it.") == [
        "Oslo criticised the verdict and Rome welcomed it ."]
