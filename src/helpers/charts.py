"""Stage 04: charts that answer the users' questions, in one print-safe style.

Each chart takes the contract tables and returns a matplotlib Figure; :func:`save_figure`
writes it as PNG (300 dpi), SVG and PDF with no dates or random ids, so unchanged inputs give
byte-identical files. Colours come from the Okabe–Ito colour-blind-safe palette and every
series also differs by hatch, so the charts survive greyscale printing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

# Okabe & Ito (2008), colour-blind safe
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999",
             "black": "#000000"}
STANCE_STYLE = {
    "favourable": (OKABE_ITO["blue"], ""),
    "supportive": (OKABE_ITO["blue"], ""),
    "critical": (OKABE_ITO["vermillion"], "///"),
    "neutral": (OKABE_ITO["grey"], "..."),
}
FORMATS = ("png", "svg", "pdf")


def apply_style() -> None:
    """Seaborn theme, fixed fonts and reproducible SVG/PDF output for every chart."""
    import seaborn as sns

    sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans",
                  palette=list(OKABE_ITO.values()))
    plt.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 300, "font.size": 10, "axes.titlesize": 12,
        "axes.titleweight": "bold", "axes.labelsize": 10, "legend.fontsize": 9,
        "svg.hashsalt": "tallybook", "svg.fonttype": "path", "pdf.fonttype": 42,
        "hatch.linewidth": 0.8, "hatch.color": "white", "axes.spines.top": False,
        "axes.spines.right": False,
    })


def source_note(events: pd.DataFrame | None = None, documents: pd.DataFrame | None = None,
                *, claim: bool = True) -> str:
    """"Counts as stated by <sources>, relayed by <outlets>." for a chart's foot."""
    sources, outlets = [], []
    if events is not None and len(events) and "source" in events:
        sources = sorted({s for s in events["source"].dropna() if s})
    if documents is not None and len(documents) and "outlet" in documents:
        ok = documents[documents["status"] == "ok"] if "status" in documents else documents
        if events is not None and len(events) and "doc_id" in events:
            ok = ok[ok["doc_id"].isin(set(events["doc_id"]))]
        outlets = sorted({o for o in ok["outlet"].dropna() if o})
    parts = []
    if claim:
        parts.append("Counts as stated by " + (", ".join(sources) or "the sources quoted")
                     + (", relayed by " + ", ".join(outlets) if outlets else "") + ".")
    elif outlets:
        parts.append("Source: " + ", ".join(outlets) + ".")
    parts.append("Not an official UN count. Made with tallybook.")
    return " ".join(parts)


def _foot(fig: Figure, text: str) -> None:
    import textwrap

    fig.text(0.01, 0.01, "\n".join(textwrap.wrap(text, 130)), ha="left", va="bottom",
             fontsize=7.5, color="#333333")


def _session_key(s: str) -> tuple[int, str]:
    m = re.match(r"^HRC\s?(\d+)", s or "")
    return (int(m.group(1)) if m else 10_000, s or "")


def _event_labels(events: pd.DataFrame) -> pd.DataFrame:
    ev = events.copy()
    ev["session"] = ev["hrc_session"].fillna("").astype(str)
    ev["date"] = ev["event_date"].fillna("").astype(str)
    ev["label"] = [f"{s or 'session ?'}\n{d[:7] if d else 'date ?'}"
                   for s, d in zip(ev["session"], ev["date"], strict=True)]
    dup = ev["label"].duplicated(keep=False)
    ev.loc[dup, "label"] = ev.loc[dup, "label"] + "\n" + ev.loc[dup, "doc_id"].str[:8]
    ev = ev.assign(_k=[(_session_key(s), d) for s, d in zip(ev["session"], ev["date"],
                                                            strict=True)])
    return ev.sort_values(["_k", "doc_id"]).drop(columns="_k").reset_index(drop=True)


def _empty(title: str, msg: str, foot: str, size: tuple[float, float] = (8, 3)) -> Figure:
    """The figure a chart draws when there is nothing to show: titled, sourced, explained."""
    fig, ax = plt.subplots(figsize=size)
    ax.text(0.5, 0.5, msg, ha="center", va="center", transform=ax.transAxes, fontsize=11)
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    _foot(fig, foot)
    return fig


def delegations_by_session(events: pd.DataFrame, documents: pd.DataFrame | None = None
                           ) -> Figure:
    """Favourable / critical / neutral delegations per HRC session (stacked bars).

    The stated total is drawn as a black tick; events whose ``check`` is not ``ok`` are
    flagged with their check above the bar.
    """
    apply_style()
    if events is None or not len(events):
        return _empty("Delegations for and against, by HRC session",
                      "No delegation tallies found in this corpus",
                      source_note(events, documents), (8, 5))
    fig, ax = plt.subplots(figsize=(8, 5))
    ev = _event_labels(events)
    x = np.arange(len(ev))
    bottom = np.zeros(len(ev))
    for st in ("favourable", "critical", "neutral"):
        vals = pd.to_numeric(ev[st], errors="coerce").fillna(0).to_numpy(dtype=float)
        color, hatch = STANCE_STYLE[st]
        bars = ax.bar(x, vals, bottom=bottom, color=color, hatch=hatch, edgecolor="white",
                      linewidth=0.6, width=0.6, label=st)
        for rect, v, b in zip(bars, vals, bottom, strict=True):
            if v >= 2:
                ax.text(rect.get_x() + rect.get_width() / 2, b + v / 2, f"{int(v)}",
                        ha="center", va="center", color="white", fontsize=9,
                        fontweight="bold")
        bottom += vals
    totals = pd.to_numeric(ev["total"], errors="coerce")
    ymax = float(np.nanmax(np.r_[bottom, totals.fillna(0).to_numpy()])) if len(ev) else 1
    for xi, t, chk in zip(x, totals, ev["check"], strict=True):
        if pd.notna(t):
            ax.plot([xi - 0.38, xi + 0.38], [t, t], color="black", linewidth=2)
            ax.text(xi + 0.4, t, f"total {int(t)}", va="center", ha="left", fontsize=8)
        if chk != "ok":
            ax.text(xi, (t if pd.notna(t) else bottom[xi]) + ymax * 0.04, f"⚠ {chk}",
                    ha="center", va="bottom", fontsize=8, color=OKABE_ITO["vermillion"])
    ax.set_xticks(x, ev["label"])
    ax.set_xlim(-0.6, len(ev) - 0.4 + 0.5)
    ax.set_ylim(0, ymax * 1.18)
    ax.set_ylabel("Delegations (as reported)")
    ax.set_xlabel("HRC session and month of the dialogue")
    fav = pd.to_numeric(ev["favourable"], errors="coerce")
    tot = totals.where(totals > 0)
    share = (fav / tot).dropna()
    if len(share):
        title = (f"Most delegations were reported as favourable in every session "
                 f"({share.min():.0%}–{share.max():.0%})" if (share > 0.5).all()
                 else "Delegations reported for and against, by HRC session")
    else:
        title = "Delegations reported for and against, by HRC session"
    ax.set_title(title, loc="left")
    ax.legend(title="Stance toward the country under review", loc="upper left",
              bbox_to_anchor=(0, -0.22), ncol=3, frameon=False)
    fig.subplots_adjust(left=0.09, right=0.93, top=0.9, bottom=0.32)
    _foot(fig, source_note(events, documents))
    return fig


def share_favourable(events: pd.DataFrame, documents: pd.DataFrame | None = None) -> Figure:
    """Share of delegations reported favourable, session by session in time order."""
    apply_style()
    if events is None or not len(events):
        return _empty("Share of delegations reported favourable",
                      "No delegation tallies found in this corpus",
                      source_note(events, documents), (8, 4.5))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ev = _event_labels(events)
    ev = ev.assign(_d=ev["date"].replace("", "9999")).sort_values(["_d", "session"])
    fav = pd.to_numeric(ev["favourable"], errors="coerce")
    tot = pd.to_numeric(ev["total"], errors="coerce")
    share = (fav / tot.where(tot > 0)) * 100
    x = np.arange(len(ev))
    ax.plot(x, share, color=OKABE_ITO["blue"], marker="o", linewidth=2, markersize=7)
    for xi, s, f, t, chk in zip(x, share, fav, tot, ev["check"], strict=True):
        if pd.notna(s):
            ax.annotate(f"{s:.0f}% ({int(f)} of {int(t)})" + ("" if chk == "ok" else f" ⚠ {chk}"),
                        (xi, s), textcoords="offset points", xytext=(0, 10), ha="center",
                        fontsize=8.5)
    ax.axhline(50, color=OKABE_ITO["grey"], linestyle="--", linewidth=1)
    ax.text(len(ev) - 0.5, 51, "half", color="#555555", fontsize=8, ha="right", va="bottom")
    ax.set_xticks(x, ev["label"])
    ax.set_xlim(-0.5, len(ev) - 0.5)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Favourable, % of delegations that spoke")
    ax.set_xlabel("HRC session and month, in time order")
    ok = share.dropna()
    title = "Share of delegations reported favourable"
    if len(ok) >= 2:
        trend = "rose" if ok.iloc[-1] > ok.iloc[0] else "fell" if ok.iloc[-1] < ok.iloc[0] \
            else "held"
        title = (f"The favourable share {trend} from {ok.iloc[0]:.0f}% to {ok.iloc[-1]:.0f}% "
                 "across sessions")
    ax.set_title(title, loc="left")
    fig.subplots_adjust(left=0.1, right=0.97, top=0.88, bottom=0.27)
    _foot(fig, source_note(events, documents))
    return fig


def stance_matrix(stances: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """States and blocs (rows) by session (columns), coloured by the stance the text states.

    Blocs are set in bold with a ◆ marker so they stand apart from states.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from helpers.lexicon import iso3_names

    apply_style()
    if stances is None or not len(stances):
        return _empty("Who took which side", "No stated positions of states or blocs in this "
                      "corpus", source_note(None, documents, claim=False))
    docs = documents.set_index("doc_id")
    st = stances.copy()
    st["session"] = [
        (docs.at[d, "hrc_session"] if d in docs.index and isinstance(docs.at[d, "hrc_session"],
                                                                     str)
         and docs.at[d, "hrc_session"] else f"not HRC ({d[:3]})") for d in st["doc_id"]]
    code = {"supportive": 1, "neutral": 2, "critical": 3}
    st["v"] = st["stance"].map(code)
    grid = st.groupby(["actor", "actor_label", "session"])["v"].agg(
        lambda v: v.iloc[0] if v.nunique() == 1 else 4).unstack("session")
    cols = sorted(grid.columns, key=_session_key)
    grid = grid[cols]
    blocs_first = sorted(grid.index, key=lambda k: (k[1] != "BLOC", -grid.loc[k].notna().sum(),
                                                    k[0]))
    grid = grid.loc[blocs_first]
    names = iso3_names()
    labels = [(f"◆ {a}" if lab == "BLOC" else names.get(a, a)) for a, lab in grid.index]
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(cols) + 3), max(3, 0.32 * len(grid) + 1.8)))
    cmap = ListedColormap([OKABE_ITO["blue"], OKABE_ITO["grey"], OKABE_ITO["vermillion"],
                           OKABE_ITO["purple"]])
    data = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    ax.pcolormesh(data, cmap=cmap, vmin=0.5, vmax=4.5, edgecolors="white", linewidth=2)
    sym = {1: "+", 2: "○", 3: "−", 4: "±"}
    for (r, c), v in np.ndenumerate(grid.to_numpy(dtype=float)):
        if not np.isnan(v):
            ax.text(c + 0.5, r + 0.5, sym[int(v)], ha="center", va="center", color="white",
                    fontsize=12, fontweight="bold")
    ax.set_xticks(np.arange(len(cols)) + 0.5, cols)
    ax.set_yticks(np.arange(len(grid)) + 0.5, labels)
    for tick, (_a, lab) in zip(ax.get_yticklabels(), grid.index, strict=True):
        if lab == "BLOC":
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.grid(False)
    ax.set_xlabel("HRC session")
    n_sup = int((st.drop_duplicates(["actor", "session"])["stance"] == "supportive").sum())
    n_crit = int((st.drop_duplicates(["actor", "session"])["stance"] == "critical").sum())
    ax.set_title(f"Who took which side: {n_sup} supportive and {n_crit} critical positions "
                 "named", loc="left")
    handles = [Patch(color=OKABE_ITO["blue"], label="+ supportive"),
               Patch(color=OKABE_ITO["vermillion"], label="− critical"),
               Patch(color=OKABE_ITO["grey"], label="○ neutral"),
               Patch(color=OKABE_ITO["purple"], label="± both stated")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
              title="◆ = bloc")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    _foot(fig, "Positions toward the country under review as the articles state them. "
          + source_note(None, documents, claim=False))
    return fig


def _heatmap(mat: pd.DataFrame, *, cmap: str, fmt, colorbar: str, scale: float = 1.0):
    """An annotated heatmap of rows × documents (columns labelled by doc_id prefix)."""
    values = mat.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * mat.shape[1] + 5), 0.4 * len(mat) + 2))
    im = ax.imshow(values * scale, cmap=cmap, aspect="auto", vmin=0)
    top = values.max() if values.size else 0
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, fmt(v), ha="center", va="center", fontsize=8,
                color="white" if v > top * 0.6 else "black")
    ax.set_xticks(range(mat.shape[1]), [str(d)[:3] for d in mat.columns])
    ax.set_yticks(range(len(mat)), mat.index)
    ax.grid(False)
    ax.set_xlabel("Document (doc_id prefix)")
    fig.colorbar(im, ax=ax, label=colorbar + (" (%)" if scale == 100 else ""), shrink=0.7)
    return fig, ax


def entity_mentions(entities: pd.DataFrame, *, top: int = 15,
                    labels: Sequence[str] = ("COUNTRY", "BLOC", "PERSON", "ORG"),
                    documents: pd.DataFrame | None = None) -> Figure:
    """The most-mentioned entities (rows) per document (columns), as a heatmap of counts."""
    apply_style()
    ents = entities[entities["label"].isin(labels)] if len(entities) else entities
    if not len(ents):
        return _empty("Most-mentioned entities", "No entities found",
                      source_note(None, documents, claim=False))
    ents = ents.assign(name=ents["label"].str[:3] + " · " + ents["canonical"].astype(str))
    counts = ents.groupby(["name", "doc_id"]).size().unstack("doc_id", fill_value=0)
    order = counts.sum(axis=1).sort_values(ascending=False, kind="mergesort")
    counts = counts.loc[order.index[:top]]
    counts = counts[sorted(counts.columns)]
    fig, ax = _heatmap(counts, cmap="Blues", fmt=lambda v: str(int(v)) if v else "",
                       colorbar="Mentions")
    top_name = order.index[0].split(" · ", 1)[1] if len(order) else ""
    ax.set_title(f"Most-mentioned entities: {top_name} leads", loc="left")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _foot(fig, "COU = country, BLO = bloc, PER = person, ORG = organisation. "
          + source_note(None, documents, claim=False))
    return fig


def themes_by_document(theme_shares: pd.DataFrame,
                       documents: pd.DataFrame | None = None) -> Figure:
    """Share of each document's sentences that touch each theme (dictionary lookup)."""
    apply_style()
    if theme_shares is None or not len(theme_shares):
        return _empty("Themes by document", "No documents",
                      source_note(None, documents, claim=False))
    mat = theme_shares.pivot(index="theme", columns="doc_id", values="share").fillna(0)
    mat = mat.loc[mat.mean(axis=1).sort_values(ascending=False, kind="mergesort").index]
    fig, ax = _heatmap(mat, cmap="Greens", fmt=lambda v: f"{v:.0%}",
                       colorbar="Share of the document's sentences", scale=100)
    ax.set_title(f"Themes: '{mat.index[0]}' recurs most", loc="left")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _foot(fig, "Dictionary lookup (data/themes.csv) over each sentence. "
          + source_note(None, documents, claim=False))
    return fig


def dispersion(sentences: pd.DataFrame, terms: Iterable[str],
               documents: pd.DataFrame | None = None) -> Figure:
    """Lexical dispersion: where each term occurs, by document and position in it."""
    apply_style()
    terms = [t for t in terms if t]
    docs = sorted(sentences["doc_id"].unique()) if len(sentences) else []
    if not terms or not docs:
        return _empty("Where the terms occur", "No terms or no documents",
                      source_note(None, documents, claim=False))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(terms) * len(docs) + 1.8))
    ylabels, y = [], 0
    markers = ["|", "o", "s", "^", "D", "v", "x"]
    colors = list(OKABE_ITO.values())
    for ti, term in enumerate(terms):
        pat = re.compile(rf"\b{re.escape(term)}", re.IGNORECASE)
        for d in docs:
            g = sentences[sentences["doc_id"] == d]
            length = max(int(g["end"].max()), 1)
            xs = [(int(s) + m.start()) / length * 100 for s, t in zip(g["start"], g["text"],
                                                                     strict=True)
                  for m in pat.finditer(t)]
            ax.scatter(xs, [y] * len(xs), marker=markers[ti % len(markers)],
                       color=colors[ti % len(colors)], s=90, linewidths=2.5,
                       label=term if d == docs[0] else None)
            ylabels.append(f"{term} · {d[:3]}")
            y += 1
    ax.set_yticks(range(len(ylabels)), ylabels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Position in the document (% of its cleaned text)")
    ax.set_title("Where the terms occur: " + ", ".join(terms), loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="term")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _foot(fig, source_note(None, documents, claim=False))
    return fig


def save_figure(fig: Figure, out_dir: str | Path, name: str) -> list[Path]:
    """Save as ``<name>.png`` (300 dpi), ``.svg`` and ``.pdf``, byte-for-byte reproducible.

    Files are written atomically; SVG and PDF carry no dates and a fixed id salt.
    """
    import io

    from helpers.contract import atomic_write_bytes

    out = Path(out_dir)
    paths = []
    meta = {"png": {"Software": None},
            "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}
    for fmt in FORMATS:
        buf = io.BytesIO()
        plt.rcParams["svg.hashsalt"] = "tallybook"
        fig.savefig(buf, format=fmt, dpi=300, metadata=meta[fmt])
        path = out / f"{name}.{fmt}"
        atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    plt.close(fig)  # the notebook shows the returned figure once; pyplot lets go of it
    return paths
