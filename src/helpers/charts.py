"""Stage 04: charts drawn from events, countries under review and states — never one mark per
document — in one print-safe style, at a fixed size whatever the corpus size.

Each chart takes the run's tables and returns a matplotlib Figure whose data (exactly what is
drawn) rides along as ``fig.tallybook_data``; :func:`save_figure` writes the figure as PNG
(300 dpi), SVG and PDF with no dates or random ids, and that data as ``<name>.csv`` beside it.

Rules every chart keeps:

- a fixed figure size (at most :data:`MAX_INCHES`); categories capped, the rest summarised
  in an "others" row or named in the note;
- labels shortened or rotated so they never overlap, text laid out by matplotlib's constrained
  layout so nothing is clipped;
- titles and notes computed from the data drawn, with their own wording for the empty, single
  and missing cases; legends list only what occurs; source notes name the sources of the
  events drawn;
- Okabe–Ito colours and hatching, so the charts survive greyscale printing.
"""

from __future__ import annotations

import contextlib
import functools
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers import explore
from helpers.explore import country_name, label_events, sort_events, split_list

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
FIG_W = 10.0
MAX_INCHES = (10.0, 7.5)  # no figure is larger (1000 × 750 px on screen, 3000 × 2250 saved)
FOOT_SIZE = 7.5
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


# What seaborn 0.13.2's ``set_theme(context="paper", style="whitegrid", font="DejaVu Sans",
# palette=OKABE_ITO)`` sets, written out: importing seaborn costs 1.5 s (it imports scipy.stats)
# and the charts use nothing else from it. tests/test_charts.py checks these against seaborn.
# (seaborn's "image.cmap": "rocket" is left out: every chart names its colour map.)
SEABORN_THEME = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.linewidth": 1.0, "font.family": ["DejaVu Sans"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans",
                        "sans-serif"],
    "grid.color": ".8", "legend.title_fontsize": 9.600000000000001,
    "lines.linewidth": 1.2000000000000002, "lines.markersize": 4.800000000000001,
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "patch.linewidth": 0.8, "text.color": ".15", "xtick.bottom": False, "xtick.color": ".15",
    "xtick.major.size": 4.800000000000001, "xtick.major.width": 1.0, "xtick.minor.size": 3.2,
    "xtick.minor.width": 0.8, "ytick.color": ".15", "ytick.left": False,
    "ytick.major.size": 4.800000000000001, "ytick.major.width": 1.0, "ytick.minor.size": 3.2,
    "ytick.minor.width": 0.8,
}
# tallybook's own settings on top of the theme (font sizes, fixed dpi, reproducible SVG/PDF)
STYLE = {
    "figure.dpi": 100, "savefig.dpi": 300, "font.size": 9, "axes.titlesize": 10,
    "axes.titleweight": "bold", "axes.labelsize": 9, "legend.fontsize": 8,
    "xtick.labelsize": 8, "ytick.labelsize": 8,
    "svg.hashsalt": "tallybook", "svg.fonttype": "path", "pdf.fonttype": 42,
    "hatch.linewidth": 0.8, "hatch.color": "white", "axes.spines.top": False,
    "axes.spines.right": False,
}


def apply_style() -> None:
    """Seaborn's paper/whitegrid theme, fixed fonts and reproducible SVG/PDF output."""
    from cycler import cycler
    from matplotlib.colors import to_rgb

    plt.rcParams.update(SEABORN_THEME)
    plt.rcParams["axes.prop_cycle"] = cycler(color=[to_rgb(c) for c in OKABE_ITO.values()])
    plt.rcParams.update(STYLE)


# --------------------------------------------------------------------------- layout

def _short(text: object, n: int) -> str:
    s = str(text)
    return s if len(s) <= n else s[:n - 1].rstrip() + "…"


def _names(values: Sequence[str] | set[str], cap: int = 5) -> str:
    items = sorted({v for v in values if v})
    if len(items) > cap:
        return ", ".join(items[:cap]) + f" and {len(items) - cap} more"
    return ", ".join(items)


def _new(h: float, nrows: int = 1, ncols: int = 1, **kw) -> tuple[Figure, np.ndarray]:
    apply_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=(FIG_W, min(h, MAX_INCHES[1])),
                             layout="constrained", squeeze=False, **kw)
    return fig, axes


def _finish(fig: Figure, title: str, foot: str, data: pd.DataFrame | None, *,
            title_width: int = 95) -> Figure:
    """Title (wrapped, left), foot note (wrapped, reserved space), data attached."""
    fig.suptitle("\n".join(textwrap.wrap(title, title_width)[:2]), x=0.01, ha="left",
                 fontsize=11.5, fontweight="bold")
    lines = textwrap.wrap(foot, 165)[:4]
    fig.text(0.01, 0.008, "\n".join(lines), ha="left", va="bottom", fontsize=FOOT_SIZE,
             color="#333333")
    h_in = fig.get_size_inches()[1]
    reserve = (len(lines) * FOOT_SIZE * 1.3 + 8) / 72 / h_in
    fig.get_layout_engine().set(rect=(0, reserve, 1, 1 - reserve))
    fig.tallybook_data = data if data is not None else pd.DataFrame()  # type: ignore[attr-defined]
    return fig


def _empty(title: str, msg: str, foot: str, h: float = 3.5,
           data: pd.DataFrame | None = None) -> Figure:
    """The figure a chart draws when there is nothing to show: titled, sourced, explained."""
    fig, axes = _new(h)
    ax = axes[0, 0]
    ax.text(0.5, 0.5, "\n".join(textwrap.wrap(msg, 90)), ha="center", va="center",
            transform=ax.transAxes, fontsize=10)
    ax.set_axis_off()
    return _finish(fig, title, foot, data)


def _count_cols(summary: pd.DataFrame) -> pd.DataFrame:
    s = summary.copy()
    for c in ("total", "favourable", "critical", "neutral", "n_reports", "official_speakers"):
        if c in s:
            s[c] = pd.to_numeric(s[c], errors="coerce")
    return s


def source_note(summary: pd.DataFrame | None, *, claim: bool = True, extra: str = "") -> str:
    """"Counts as stated by <sources>, relayed by <outlets>." naming the events drawn."""
    sources: set[str] = set()
    outlets: set[str] = set()
    if summary is not None and len(summary):
        for cell in summary.get("sources", []):
            sources.update(split_list(cell))
        for cell in summary.get("outlets", []):
            outlets.update(split_list(cell))
    parts = [extra] if extra else []
    if summary is None or not len(summary):
        return " ".join([*parts, "Made with tallybook."])
    if claim:
        parts.append("Counts as stated by " + (_names(sources) or "sources not named")
                     + (", relayed by " + _names(outlets) if outlets else "") + ".")
        parts.append("Not an official UN count.")
    elif outlets:
        parts.append("Source: " + _names(outlets) + ".")
    parts.append("Made with tallybook.")
    return " ".join(parts)


def documents_note(documents: pd.DataFrame | None, doc_ids: set[str] | None = None) -> str:
    """"Source: <outlets> (N documents)." for charts drawn from the text itself."""
    if documents is None or not len(documents):
        return "Made with tallybook."
    d = documents[documents["status"] == "ok"] if "status" in documents else documents
    if doc_ids is not None:
        d = d[d["doc_id"].isin(doc_ids)]
    outlets = _names(set(d["outlet"].dropna().astype(str))) if "outlet" in d else ""
    n = len(d)
    return (f"Source: {outlets} ({n} document{'s' * (n != 1)})." if outlets
            else f"{n} document{'s' * (n != 1)}.") + " Made with tallybook."


def _with_counts(summary: pd.DataFrame) -> pd.DataFrame:
    s = _count_cols(summary)
    has = s[["total", "favourable", "critical", "neutral"]].notna().any(axis=1)
    return s[has]


def _countries(s: pd.DataFrame) -> list[str]:
    """Countries under review, the one with most events first."""
    c = s["subject_country"].fillna("").astype(str)
    counts = c.value_counts()
    return sorted(counts.index, key=lambda k: (-counts[k], k))


# --------------------------------------------------------------------------- 1 delegations

def delegations_by_event(summary: pd.DataFrame, *, country: str = "", max_events: int = 12,
                         max_countries: int = 4) -> Figure:
    """Favourable / critical / neutral delegations per event (stacked horizontal bars),
    one panel per country under review (the ``max_countries`` with most events, or ``country``).

    The stated total is a black tick; an event whose ``check`` is not ``ok`` is flagged.
    Each panel shows its latest ``max_events`` events.
    """
    base = "Delegations for and against, by event"
    s = _with_counts(summary) if summary is not None and len(summary) else summary
    if country and s is not None and len(s):
        s = s[s["subject_country"] == country]
    if s is None or not len(s):
        where = f" on {country_name(country)}" if country else ""
        return _empty(base, f"No event{where} in this corpus gives a count of delegations.",
                      source_note(None), data=pd.DataFrame())
    countries = _countries(s)
    shown, rest = countries[:max_countries], countries[max_countries:]
    n = len(shown)
    nrows, ncols = (1, 1) if n == 1 else (1, 2) if n == 2 else (2, 2)
    fig, axes = _new(7.0 if nrows == 2 or max_events > 8 else 5.5, nrows, ncols)
    drawn, notes, used = [], [], set()
    for ax, c in zip(axes.flat, shown, strict=False):
        ev = sort_events(s[s["subject_country"].fillna("") == c])
        if len(ev) > max_events:
            notes.append(f"{country_name(c) if c else 'Unknown country'}: latest {max_events} "
                         f"of {len(ev)} events")
            ev = ev.iloc[-max_events:]
        labels = label_events(ev)
        y = np.arange(len(ev))
        left = np.zeros(len(ev))
        xmax = float(np.nanmax(np.r_[ev[["favourable", "critical", "neutral"]].fillna(0)
                                     .sum(axis=1).to_numpy(), ev["total"].fillna(0).to_numpy(),
                                     1.0]))
        for st in ("favourable", "critical", "neutral"):
            vals = ev[st].fillna(0).to_numpy(dtype=float)
            if not vals.any():
                continue
            used.add(st)
            color, hatch = STANCE_STYLE[st]
            bars = ax.barh(y, vals, left=left, color=color, hatch=hatch, edgecolor="white",
                           linewidth=0.6, height=0.62, label=st)
            if len(ev) <= 16:
                for rect, v, b in zip(bars, vals, left, strict=True):
                    if v >= xmax * 0.07:
                        ax.text(b + v / 2, rect.get_y() + rect.get_height() / 2, f"{int(v)}",
                                ha="center", va="center", color="white", fontsize=7.5,
                                fontweight="bold")
            left += vals
        for yi, t, chk in zip(y, ev["total"], ev["check"].fillna(""), strict=True):
            if pd.notna(t):
                ax.plot([t, t], [yi - 0.36, yi + 0.36], color="black", linewidth=1.8)
            flag = f" ⚠ {chk}" if chk and chk != "ok" else ""
            end = max(t if pd.notna(t) else 0, left[yi])
            ax.text(end + xmax * 0.015, yi, (f"{int(t)}" if pd.notna(t) else "") + flag,
                    va="center", ha="left", fontsize=7,
                    color=OKABE_ITO["vermillion"] if flag else "black")
        ax.set_yticks(y, [_short(lab, 30) for lab in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, xmax * 1.3)
        ax.set_xlabel("Delegations (as reported)")
        ax.set_title(f"{country_name(c) if c else 'Country under review not known'} "
                     f"({len(ev)} event{'s' * (len(ev) != 1)})", loc="left", fontsize=9.5)
        drawn.append(ev.assign(label=labels.to_numpy()))
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    data = pd.concat(drawn, ignore_index=True)
    # title from what is drawn
    share = (data["favourable"] / data["total"].where(data["total"] > 0)).dropna()
    one_country = country_name(shown[0]) if n == 1 and shown[0] else ""
    if len(data) == 1:
        r = data.iloc[0]
        if pd.notna(r["favourable"]) and pd.notna(r["total"]):
            title = (f"{one_country + ': ' if one_country else ''}{int(r['favourable'])} of "
                     f"{int(r['total'])} delegations reported favourable at {r['label']}")
        else:
            title = (f"{one_country + ': ' if one_country else ''}delegations reported at "
                     f"{r['label']} (no favourable count with a total)")
    elif len(share) >= 2 and (share > 0.5).all():
        title = (f"{one_country + ': m' if one_country else 'M'}ost delegations were reported "
                 f"favourable at all {len(share)} events with a count "
                 f"({share.min():.0%}–{share.max():.0%})")
    elif len(share) >= 2 and (share < 0.5).all():
        title = (f"{one_country + ': m' if one_country else 'M'}ost delegations were reported "
                 f"critical or neutral at all {len(share)} events with a count")
    else:
        title = (f"{base}{' on ' + one_country if one_country else ''}: {len(data)} events"
                 + (f" on {n} countries under review" if n > 1 else "")
                 + ("" if len(share) else ", none with a favourable count and total"))
    if used:
        handles = [plt.Rectangle((0, 0), 1, 1, color=STANCE_STYLE[st][0],
                                 hatch=STANCE_STYLE[st][1], ec="white")
                   for st in ("favourable", "critical", "neutral") if st in used]
        fig.legend(handles, [st for st in ("favourable", "critical", "neutral") if st in used],
                   loc="upper right", bbox_to_anchor=(0.995, 0.997), ncol=3, frameon=False,
                   fontsize=8, handlelength=1.5, columnspacing=1.0)
    if rest:
        notes.append("not drawn: " + _names([country_name(c) for c in rest], 6)
                     + " (set country)")
    notes.insert(0, "Stances toward the country under review; black tick and figure at the "
                 "bar's end: the stated total")
    foot = source_note(data, extra="; ".join(notes) + ".")
    cols = ["event_id", "label", "subject_country", "kind", "hrc_session", "event_date",
            "n_reports", "total", "favourable", "critical", "neutral", "check", "agreement",
            "sources", "outlets"]
    return _finish(fig, title, foot, data[[c for c in cols if c in data]], title_width=68)


# --------------------------------------------------------------------------- 2 share

def share_over_time(summary: pd.DataFrame, *, country: str = "", max_countries: int = 6,
                    max_points: int = 15) -> Figure:
    """Share of delegations reported favourable at each dated event, one line per country;
    by year (counts summed over the year's events) when a country has more than
    ``max_points`` events."""
    base = "Share of delegations reported favourable, over time"
    s = _count_cols(summary) if summary is not None and len(summary) else summary
    if s is not None and len(s):
        if country:
            s = s[s["subject_country"] == country]
        s = s[s["favourable"].notna() & (s["total"] > 0)]
    if s is None or not len(s):
        return _empty(base, "No event in this corpus gives both a favourable count and a total.",
                      source_note(None), data=pd.DataFrame())
    s = s.assign(date=pd.to_datetime(s["event_date"].fillna("").astype(str).str[:10],
                                     errors="coerce", format="mixed"),
                 share=s["favourable"] / s["total"] * 100)
    undated = int(s["date"].isna().sum())
    s = s[s["date"].notna()]
    if not len(s):
        return _empty(base, f"The {undated} event(s) with a count have no known date.",
                      source_note(None), data=pd.DataFrame())
    countries = _countries(s)
    shown, rest = countries[:max_countries], countries[max_countries:]
    s = s[s["subject_country"].fillna("").isin(shown)]
    yearly = s.groupby("subject_country").size().max() > max_points
    if yearly:  # one point per country and year: favourable and total summed over its events
        s = (s.assign(year=s["date"].dt.year)
             .groupby(["subject_country", "year"], as_index=False)
             .agg(favourable=("favourable", "sum"), total=("total", "sum"),
                  n_events=("event_id", "size"),
                  sources=("sources", lambda v: ";".join(sorted({x for c in v
                                                                 for x in split_list(c)})))))
        s["date"] = pd.to_datetime(s["year"].astype(str) + "-07-01")
        s["share"] = s["favourable"] / s["total"] * 100
    fig, axes = _new(5.0)
    ax = axes[0, 0]
    colors = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky")]
    drawn = []
    for i, c in enumerate(shown):
        g = s[s["subject_country"].fillna("") == c].sort_values("date")
        n_ev = int(g["n_events"].sum()) if yearly else len(g)
        ax.plot(g["date"], g["share"], marker=MARKERS[i % len(MARKERS)], color=colors[i],
                linewidth=1.8, markersize=6, label=f"{country_name(c)} ({n_ev})")
        drawn.append(g)
    data = pd.concat(drawn, ignore_index=True)
    data["label"] = (data["year"].astype(str) if yearly else label_events(data).to_numpy())
    if len(data) <= 8:
        for r in data.itertuples():
            ax.annotate(f"{r.share:.0f}% ({int(r.favourable)}/{int(r.total)})",
                        (r.date, r.share), textcoords="offset points", xytext=(0, 8),
                        ha="center", fontsize=7.5)
    ax.axhline(50, color=OKABE_ITO["grey"], linestyle="--", linewidth=1)
    ax.set_ylim(0, 112)
    ax.set_ylabel("Favourable, % of the stated total")
    ax.set_xlabel("Year (all the year's events summed)" if yearly else "Date of the event")
    lo, hi = data["date"].min(), data["date"].max()
    pad = pd.Timedelta(days=max(30, (hi - lo).days * 0.06))
    ax.set_xlim(lo - pad, hi + pad)
    import matplotlib.dates as mdates

    loc = mdates.AutoDateLocator(minticks=2, maxticks=8)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    if len(shown) == 1:
        g = data
        name = country_name(shown[0]) if shown[0] else "Country unknown"
        if len(g) == 1 and not yearly:
            title = (f"{name}: {g['share'].iloc[0]:.0f}% of delegations reported favourable "
                     f"at {g['label'].iloc[0]} (one event with a count)")
        elif yearly:
            a, b = g["share"].iloc[0], g["share"].iloc[-1]
            trend = "rose" if b > a else "fell" if b < a else "held"
            title = (f"{name}: the yearly favourable share {trend} from {a:.0f}% "
                     f"({g['year'].iloc[0]}) to {b:.0f}% ({g['year'].iloc[-1]})")
        else:
            a, b = g["share"].iloc[0], g["share"].iloc[-1]
            trend = "rose" if b > a else "fell" if b < a else "held"
            title = (f"{name}: the favourable share {trend} from {a:.0f}% to {b:.0f}% over "
                     f"{len(g)} events ({g['date'].iloc[0]:%Y}–{g['date'].iloc[-1]:%Y})")
    else:
        title = (f"{base}{' (by year)' if yearly else ''}: {len(shown)} countries under review")
    ax.legend(title="country under review (events)", loc="lower left", fontsize=7.5,
              title_fontsize=7.5, frameon=True)
    notes = []
    if undated:
        notes.append(f"{undated} event(s) without a date not drawn")
    if rest:
        notes.append("not drawn: " + _names([country_name(c) for c in rest], 6))
    foot = source_note(data, extra="; ".join(notes) + "." if notes else "")
    cols = ["event_id", "label", "subject_country", "year", "n_events", "event_date",
            "favourable", "total", "share", "check", "sources"]
    out = data.assign(share=data["share"].round(1))
    return _finish(fig, title, foot, out[[c for c in cols if c in out]])


# --------------------------------------------------------------------------- 3 heatmap

_CODE = {"supportive": 1, "favourable": 1, "neutral": 2, "critical": 3}
_SYM = {1: "+", 2: "○", 3: "−", 4: "±"}
_CAT = {1: ("+ supportive", OKABE_ITO["blue"]), 2: ("○ neutral", OKABE_ITO["grey"]),
        3: ("− critical", OKABE_ITO["vermillion"]), 4: ("± documents disagree",
                                                        OKABE_ITO["purple"])}


def stance_heatmap(actor_record: pd.DataFrame, summary: pd.DataFrame, *, country: str = "",
                   top: int = 25, max_events: int = 18) -> Figure:
    """States and blocs (rows) × events (columns) toward ONE country under review, coloured by
    the stance the documents state; the ``top`` actors present at most events, the rest summed
    in an "others" row; the latest ``max_events`` events."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    base = "Who took which side"
    rec = actor_record
    if rec is None or not len(rec):
        return _empty(base, "No stated positions of states or blocs in this corpus.",
                      "Made with tallybook.", data=pd.DataFrame())
    countries = _countries(rec)
    c = country or countries[0]
    rec = rec[rec["subject_country"].fillna("") == c]
    name = country_name(c) if c else "the country under review"
    if not len(rec):
        return _empty(base, f"No stated positions toward {name} in this corpus.",
                      "Made with tallybook.", data=pd.DataFrame())
    ev = sort_events(summary[summary["event_id"].isin(set(rec["event_id"]))]
                     .drop_duplicates("event_id"))
    known = set(ev["event_id"])
    missing = sorted(set(rec["event_id"]) - known)
    if missing:  # records whose event has no figures: still drawn, named by session and date
        from helpers.contract import parse_event_id

        parts = [parse_event_id(e) for e in missing]
        ev = sort_events(pd.concat([ev, pd.DataFrame({
            "event_id": missing, "subject_country": c,
            **{k: [p[k] for p in parts] for k in ("hrc_session", "event_date", "kind")}})],
            ignore_index=True))
    n_events_all = len(ev)
    ev = ev.iloc[-max_events:]
    rec = rec[rec["event_id"].isin(set(ev["event_id"]))]
    labels = label_events(ev)
    rec = rec.assign(v=[4 if str(cf) == "yes" else _CODE.get(str(st), np.nan)
                        for st, cf in zip(rec["stance"], rec["conflict"].fillna(""),
                                          strict=True)])
    activity = rec.groupby(["actor", "actor_label"]).agg(n=("event_id", "nunique"),
                                                         s=("n_statements", "sum"))
    order = sorted(activity.index, key=lambda k: (-activity.at[k, "n"], -activity.at[k, "s"],
                                                  k[0]))
    top_keys = order[:top]
    others = order[top:]
    grid = (rec.set_index(["actor", "actor_label"]).loc[top_keys].reset_index()
            .pivot_table(index=["actor", "actor_label"], columns="event_id", values="v",
                         aggfunc="max")
            .reindex(index=pd.MultiIndex.from_tuples(top_keys), columns=list(ev["event_id"])))
    values = grid.to_numpy(dtype=float)
    row_labels = [_short(explore.actor_name(a, lab), 26) for a, lab in top_keys]
    fig, axes = _new(7.5)
    ax = axes[0, 0]
    cmap = ListedColormap([_CAT[k][1] for k in (1, 2, 3, 4)])
    ax.pcolormesh(np.ma.masked_invalid(values), cmap=cmap, vmin=0.5, vmax=4.5,
                  edgecolors="white", linewidth=1.5)
    fs = 9 if len(top_keys) <= 20 else 7
    for (r, col), v in np.ndenumerate(values):
        if not np.isnan(v):
            ax.text(col + 0.5, r + 0.5, _SYM[int(v)], ha="center", va="center", color="white",
                    fontsize=fs, fontweight="bold")
    if others:
        o = rec[rec.set_index(["actor", "actor_label"]).index.isin(others)]
        row = len(top_keys)
        for col, e in enumerate(ev["event_id"]):
            g = o[o["event_id"] == e]
            if len(g):
                sup = int((g["v"] == 1).sum())
                crit = int((g["v"] == 3).sum())
                txt = "\n".join(p for p in (f"{sup}+" if sup else "", f"{crit}−" if crit else "")
                                if p) or str(len(g))
                ax.text(col + 0.5, row + 0.5, txt, ha="center", va="center", fontsize=6.5)
        ax.axhspan(row, row + 1, color="#EEEEEE", zorder=0)
        row_labels.append(f"others ({len(others)})")
    nrows = len(row_labels)
    ax.set_ylim(nrows, 0)
    ax.set_xlim(0, len(ev))
    ax.set_xticks(np.arange(len(ev)) + 0.5,
                  [_short(labels[e], 26) for e in ev["event_id"]], rotation=90)
    ax.set_yticks(np.arange(nrows) + 0.5, row_labels)
    if nrows > 20:
        ax.tick_params(axis="y", labelsize=7)
    for tick, key in zip(ax.get_yticklabels(), top_keys, strict=False):
        if key[1] == "BLOC":
            tick.set_fontweight("bold")
    ax.grid(False)
    ax.set_xlabel("Event (HRC session · date)")
    occurring = sorted({int(v) for v in values[~np.isnan(values)]})
    if others:
        occurring = sorted(set(occurring) | {int(v) for v in
                                             rec.loc[rec.set_index(["actor", "actor_label"])
                                                     .index.isin(others), "v"].dropna()})
    ax.legend(handles=[Patch(color=_CAT[k][1], label=_CAT[k][0]) for k in occurring],
              loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
              title="◆ = bloc" if any(k[1] == "BLOC" for k in top_keys) else None,
              fontsize=7.5)
    n_sup = int((rec["v"] == 1).sum())
    n_crit = int((rec["v"] == 3).sum())
    n_actors = len(order)
    title = (f"Who took which side toward {name}: {n_sup} supportive and {n_crit} critical "
             f"positions of {n_actors} states and blocs at {len(ev)} "
             f"event{'s' * (len(ev) != 1)}")
    notes = [f"Positions toward {name} as the documents state them."]
    if others:
        notes.append(f"Rows: the {len(top_keys)} states and blocs present at most events; "
                     f"'others' counts the positions of the remaining {len(others)}.")
    if n_events_all > len(ev):
        notes.append(f"Latest {len(ev)} of {n_events_all} events.")
    if len(countries) > 1:
        notes.append("Other countries under review: "
                     + _names([country_name(k) for k in countries if k != c], 5)
                     + " (set country).")
    docs = set()
    for cell in rec["doc_ids"]:
        docs.update(split_list(cell))
    notes.append(f"From {len(docs)} document{'s' * (len(docs) != 1)}. Made with tallybook.")
    data = rec.assign(event=rec["event_id"].map(labels),
                      actor_name=[explore.actor_name(a, lab) for a, lab in
                                  zip(rec["actor"], rec["actor_label"], strict=True)],
                      in_chart=[(a, lab) in set(top_keys) for a, lab in
                                zip(rec["actor"], rec["actor_label"], strict=True)])
    cols = ["actor", "actor_name", "actor_label", "subject_country", "event_id", "event",
            "stance", "conflict", "n_statements", "doc_ids", "in_chart"]
    return _finish(fig, title, " ".join(notes), data[cols].reset_index(drop=True))


# --------------------------------------------------------------------------- 4 agreement

def source_agreement(summary: pd.DataFrame, *, max_events: int = 20) -> Figure:
    """Events reported by several documents: how many reports, and whether their figures
    agree (disagreements first, hatched, with the differing figures)."""
    base = "Do the reports of one event agree?"
    s = _count_cols(summary) if summary is not None and len(summary) else summary
    if s is not None and len(s):
        s = s[s["n_reports"].fillna(0) >= 2]
    if s is None or not len(s):
        return _empty(base, "No event in this corpus is reported by more than one document.",
                      source_note(None, claim=False), data=pd.DataFrame())
    n_all = len(s)
    n_dis = int((s["agreement"] == "disagree").sum())
    s = s.assign(_dis=(s["agreement"] == "disagree").astype(int))
    s = s.sort_values(["_dis", "n_reports", "event_date"], ascending=[False, False, False])
    s = s.iloc[:max_events]
    multi = s["subject_country"].fillna("").nunique() > 1
    labels = label_events(s, with_country=multi)
    fig, axes = _new(min(2.0 + 0.28 * len(s), 7.0))
    ax = axes[0, 0]
    y = np.arange(len(s))
    dis = (s["agreement"] == "disagree").to_numpy()
    colors = np.where(dis, OKABE_ITO["vermillion"], OKABE_ITO["blue"])
    ax.barh(y, s["n_reports"].to_numpy(dtype=float), color=colors,
            hatch=["///" if d else "" for d in dis], edgecolor="white", height=0.62)
    xmax = float(s["n_reports"].max())
    for yi, d, note in zip(y, dis, s["notes"].fillna("").astype(str), strict=True):
        if d:
            ax.text(s["n_reports"].iloc[yi] + xmax * 0.02, yi, _short(note or "figures differ",
                                                                       70),
                    va="center", fontsize=7, color=OKABE_ITO["vermillion"])
    ax.set_yticks(y, [_short(v, 38) for v in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, xmax * (2.4 if dis.any() else 1.15))
    ax.set_xlabel("Documents reporting the event")
    from matplotlib.patches import Patch

    handles = []
    if (~dis).any():
        handles.append(Patch(color=OKABE_ITO["blue"], label="figures agree"))
    if dis.any():
        handles.append(Patch(facecolor=OKABE_ITO["vermillion"], hatch="///", edgecolor="white",
                             label="figures differ"))
    fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.995, 0.997), ncol=2,
               frameon=False, fontsize=8)
    if n_dis == 0:
        title = (f"The reports agree at all {n_all} events reported by several documents"
                 if n_all > 1 else "The reports of the one event reported twice or more agree")
    else:
        title = (f"{n_dis} of {n_all} events reported by several documents have differing "
                 "figures")
    notes = [f"Showing {len(s)} of {n_all} events (disagreements first)."] \
        if n_all > len(s) else []
    foot = source_note(s, claim=False, extra=" ".join(notes))
    data = s.assign(label=labels.to_numpy())
    cols = ["event_id", "label", "subject_country", "n_reports", "agreement", "total",
            "favourable", "critical", "neutral", "notes", "doc_ids", "outlets", "sources"]
    return _finish(fig, title, foot, data[[c for c in cols if c in data]], title_width=68)


# --------------------------------------------------------------------------- 5 mentions, themes

def _group_order(groups: pd.Series, weight: pd.Series, cap: int) -> list[str]:
    tot = weight.groupby(groups).sum()
    keep = sorted(tot.index, key=lambda g: (-tot[g], g))[:cap]
    return sorted(keep)


def _heat(fig: Figure, ax, mat: pd.DataFrame, *, cmap: str, fmt, colorbar: str,
          vmax: float | None = None) -> None:
    values = mat.to_numpy(dtype=float)
    top = vmax if vmax is not None else (np.nanmax(values) if values.size else 1.0)
    im = ax.imshow(values, cmap=cmap, aspect="auto", vmin=0, vmax=top or 1.0,
                   interpolation="none")
    if values.size <= 300:
        for (r, c), v in np.ndenumerate(values):
            if v:
                ax.text(c, r, fmt(v), ha="center", va="center", fontsize=7,
                        color="white" if v > (top or 1) * 0.6 else "black")
    if mat.shape[1] <= 6:  # few columns: room for level, wrapped labels
        ax.set_xticks(range(mat.shape[1]), ["\n".join(textwrap.wrap(_short(c, 40), 16))
                                            for c in mat.columns])
    else:
        ax.set_xticks(range(mat.shape[1]), [_short(c, 24) for c in mat.columns], rotation=90)
    ax.set_yticks(range(len(mat)), [_short(i, 36) for i in mat.index])
    ax.grid(False)
    fig.colorbar(im, ax=ax, label=colorbar, shrink=0.8)


def mentions_by_country_year(mentions: pd.DataFrame, documents: pd.DataFrame | None = None,
                             *, top: int = 15, max_groups: int = 10) -> Figure:
    """The ``top`` most-mentioned entities (rows, the rest in "others") by country under
    review and year (columns, the ``max_groups`` with most mentions).

    Args:
        mentions: :func:`helpers.explore.mentions_by_group` output (long, already counted).
        documents: the documents table, for the source note.
    """
    base = "Who and what the documents mention, by country under review and year"
    if mentions is None or not len(mentions):
        return _empty(base, "No countries, blocs, persons or organisations found.",
                      documents_note(documents), data=pd.DataFrame())
    m = mentions.assign(name=[f"{e} ({lab.lower()[:3]})" if lab in ("PERSON", "ORG") else
                              (f"◆ {e}" if lab == "BLOC" else e)
                              for e, lab in zip(mentions["entity"], mentions["label"],
                                                strict=True)])
    groups = _group_order(m["group"], m["mentions"], max_groups)
    tot = m.groupby("name")["mentions"].sum()
    names = sorted(tot.index, key=lambda k: (-tot[k], k))
    keep = names[:top]
    m = m.assign(row=np.where(m["name"].isin(keep), m["name"],
                              f"others ({len(names) - len(keep)})"),
                 col=np.where(m["group"].isin(groups), m["group"], "other groups"))
    mat = m.pivot_table(index="row", columns="col", values="mentions", aggfunc="sum",
                        fill_value=0)
    rows = keep + [r for r in mat.index if r.startswith("others")]
    cols = groups + (["other groups"] if "other groups" in mat.columns else [])
    mat = mat.reindex(index=rows, columns=cols, fill_value=0)
    fig, axes = _new(7.0)
    _heat(fig, axes[0, 0], mat, cmap="Blues", fmt=lambda v: f"{int(v)}", colorbar="Mentions")
    axes[0, 0].set_xlabel("Country under review and year")
    title = (f"Most mentioned: {keep[0]} ({int(tot[keep[0]])} mentions)"
             + (f", then {keep[1]} ({int(tot[keep[1]])})" if len(keep) > 1 else ""))
    notes = "(per) = person, (org) = organisation, ◆ = bloc."
    if len(names) > len(keep):
        notes += f" The {len(names) - len(keep)} less-mentioned entities are summed in 'others'."
    data = mat.reset_index().melt(id_vars="row", var_name="group", value_name="mentions")
    data = data.rename(columns={"row": "entity"})
    return _finish(fig, title, notes + " " + documents_note(documents), data)


def themes_by_country_year(themes: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                           max_groups: int = 10) -> Figure:
    """Share of sentences touching each theme, by country under review and year.

    Args:
        themes: :func:`helpers.explore.themes_by_group` output (long).
        documents: the documents table, for the source note.
    """
    base = "Themes by country under review and year"
    foot = "Dictionary lookup (data/themes.csv) over each sentence. " + documents_note(documents)
    if themes is None or not len(themes):
        return _empty(base, "No sentences.", foot, data=pd.DataFrame())
    if not themes["matched"].astype(int).sum():
        return _empty("No theme from data/themes.csv matched any sentence",
                      "None of the sentences touches a theme of the dictionary.", foot,
                      data=themes.copy())
    groups = _group_order(themes["group"], themes["sentences"], max_groups)
    t = themes[themes["group"].isin(groups)]
    mat = t.pivot_table(index="theme", columns="group", values="share", aggfunc="sum",
                        fill_value=0).reindex(columns=groups, fill_value=0)
    overall = t.groupby("theme")[["matched", "sentences"]].sum()
    share = (overall["matched"] / overall["sentences"]).sort_values(ascending=False,
                                                                     kind="mergesort")
    mat = mat.loc[share.index]
    fig, axes = _new(5.5)
    _heat(fig, axes[0, 0], mat * 100, cmap="Greens",
          fmt=lambda v: f"{v:.0f}" if v >= 0.5 else "<1",
          colorbar="% of the sentences")
    axes[0, 0].set_xlabel("Country under review and year")
    title = (f"'{share.index[0]}' touches the most sentences ({share.iloc[0]:.0%} of them)")
    n_groups = themes["group"].nunique()
    if n_groups > len(groups):
        foot = f"The {len(groups)} of {n_groups} country-years with most sentences. " + foot
    return _finish(fig, title, foot, t.reset_index(drop=True))


# --------------------------------------------------------------------------- 6 dispersion

def dispersion(sentences: pd.DataFrame | explore.SentenceFile, terms: Sequence[str],
               doc_ids: Sequence[str],
               documents: pd.DataFrame | None = None) -> Figure:
    """Where each term occurs in each of a chosen handful of documents (at most 8), by position
    in the document; only terms that occur in them are drawn, the others are named."""
    import re

    base = "Where the terms occur"
    terms = [t for t in dict.fromkeys(terms) if t]
    doc_ids = list(dict.fromkeys(doc_ids))[:8]
    s = explore.sentences_of(sentences, doc_ids)
    hits = []
    for term in terms:
        pat = re.compile(rf"\b{re.escape(term)}", re.IGNORECASE)  # the term at a word start
        for r in s[s["text"].fillna("").str.contains(pat)].itertuples():
            for m in pat.finditer(r.text):
                hits.append((term, r.doc_id, int(r.start) + m.start()))
    h = pd.DataFrame(hits, columns=["term", "doc_id", "offset"])
    found = [t for t in terms if t in set(h["term"])]
    absent = [t for t in terms if t not in found]
    foot = documents_note(documents, set(doc_ids))
    if absent:
        foot = "Not found in these documents: " + _names(absent, 8) + ". " + foot
    if not found or not len(s):
        msg = ("No documents chosen." if not doc_ids else "No terms given." if not terms else
               "None of the terms occurs in the chosen documents.")
        return _empty(base, msg, foot, data=h)
    length = s.groupby("doc_id")["end"].max().astype(float).clip(lower=1)
    h["position"] = (h["offset"] / h["doc_id"].map(length) * 100).round(2)
    docs = [d for d in doc_ids if d in set(s["doc_id"])]
    fig, axes = _new(1.6 + 0.45 * len(docs) + 0.2 * len(found))
    ax = axes[0, 0]
    colors = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky",
                                     "black", "yellow")]
    ypos = {d: i for i, d in enumerate(docs)}
    k = len(found)
    for i, term in enumerate(found):
        g = h[h["term"] == term]
        off = (i - (k - 1) / 2) * (0.6 / max(k, 1))
        ax.scatter(g["position"], g["doc_id"].map(ypos) + off, marker=MARKERS[i % len(MARKERS)],
                   color=colors[i % len(colors)], s=28, label=f"{_short(term, 20)} ({len(g)})")
    ax.set_yticks(range(len(docs)), [_short(d, 24) for d in docs])
    ax.set_ylim(len(docs) - 0.5, -0.5)
    ax.set_xlim(-2, 102)
    ax.set_xlabel("Position in the document (% of its cleaned text)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="term (hits)",
              fontsize=7.5)
    title = (f"Where {_names(found, 4)} occur in {len(docs)} chosen "
             f"document{'s' * (len(docs) != 1)}" if len(found) > 1 else
             f"Where '{found[0]}' occurs in {len(docs)} chosen document{'s' * (len(docs) != 1)}")
    return _finish(fig, title, foot, h)


# --------------------------------------------------------------------------- 7 official

def claimed_vs_official(summary: pd.DataFrame, *, max_events: int = 20) -> Figure:
    """Per event: the total of delegations the press claims beside the number of states and
    blocs the UN's own record names as speakers."""
    base = "Claimed total vs the official list of speakers"
    s = _count_cols(summary) if summary is not None and len(summary) else summary
    if s is not None and len(s):
        s = s[s["official_speakers"].notna()]
    if s is None or not len(s):
        return _empty(base, "No official record of speakers (UN meeting summary or press "
                      "release) for any event in this corpus.", source_note(None),
                      data=claimed_vs_official_table(summary))
    s = sort_events(s)
    n_all = len(s)
    both_all = s[s["total"].notna()]
    diff_all = int((both_all["total"] != both_all["official_speakers"]).sum())
    s = s.iloc[-max_events:]
    multi = s["subject_country"].fillna("").nunique() > 1
    labels = label_events(s, with_country=multi)
    fig, axes = _new(min(2.2 + 0.34 * len(s), 7.0))
    ax = axes[0, 0]
    y = np.arange(len(s))
    ax.barh(y - 0.18, s["total"].fillna(0), height=0.34, color=OKABE_ITO["orange"],
            label="claimed total (press)")
    ax.barh(y + 0.18, s["official_speakers"], height=0.34, color=OKABE_ITO["sky"],
            hatch="...", edgecolor="white", label="states and blocs in the official record")
    xmax = float(np.nanmax(np.r_[s["total"].fillna(0), s["official_speakers"], 1]))
    if len(s) <= 20:
        for yi, t, o in zip(y, s["total"], s["official_speakers"], strict=True):
            ax.text((t if pd.notna(t) else 0) + xmax * 0.01, yi - 0.18,
                    f"{int(t)}" if pd.notna(t) else "no total claimed", va="center", fontsize=7)
            ax.text(o + xmax * 0.01, yi + 0.18, f"{int(o)}", va="center", fontsize=7)
    ax.set_yticks(y, [_short(v, 38) for v in labels])
    ax.set_ylim(len(s) - 0.5, -0.7)
    ax.set_xlim(0, xmax * 1.18)
    ax.set_xlabel("Delegations")
    fig.legend(*ax.get_legend_handles_labels(), loc="upper right",
               bbox_to_anchor=(0.995, 0.997), ncol=1, frameon=False, fontsize=7.5)
    both, diff = both_all, diff_all
    if not len(both):
        title = f"{base}: no claimed total for the {len(s)} event(s) with an official record"
    elif diff == 0:
        title = (f"At all {len(both)} events with both, the claimed total matches the official "
                 "list of speakers" if len(both) > 1 else
                 f"At {labels.iloc[0]}, the claimed total matches the official list of speakers")
    else:
        title = (f"At {diff} of {len(both)} events the claimed total differs from the number "
                 "of states and blocs the official record names")
    extra = "Official speakers: states and blocs named in UN records in the corpus (speakers.csv)."
    if n_all > len(s):
        extra += f" Latest {len(s)} of {n_all} events."
    return _finish(fig, title, source_note(s, extra=extra), claimed_vs_official_table(s),
                   title_width=62)


def claimed_vs_official_table(summary: pd.DataFrame | None) -> pd.DataFrame:
    """One row per event with an official record or a claimed total: the two numbers side by
    side and their difference (claimed − official)."""
    cols = ["event_id", "event", "country under review", "claimed_total", "official_speakers",
            "difference", "sources"]
    if summary is None or not len(summary):
        return pd.DataFrame(columns=cols)
    s = sort_events(_count_cols(summary))
    s = s[s["official_speakers"].notna()]
    if not len(s):
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        "event_id": s["event_id"].to_numpy(), "event": label_events(s).to_numpy(),
        "country under review": [country_name(c) for c in s["subject_country"]],
        "claimed_total": s["total"].astype("Int64").to_numpy(),
        "official_speakers": s["official_speakers"].astype("Int64").to_numpy(),
        "difference": (s["total"] - s["official_speakers"]).astype("Int64").to_numpy(),
        "sources": s["sources"].to_numpy()})[cols]


# --------------------------------------------------------------------------- saving

# Tables of a TrueType font that a PDF never reads: an embedded font (FontFile2) is drawn by
# glyph id, so the layout tables (substitution, positioning, glyph classes, maths layout) only
# add bytes. Subsetting DejaVu Sans's GSUB/GPOS costs fontTools 0.1-0.2 s per font per figure.
PDF_UNUSED_FONT_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "BASE", "JSTF", "kern")
# what matplotlib 3.11 leaves out of every subset (_backend_pdf_ps.get_glyphs_subset)
_MPL_DROPPED_FONT_TABLES = ("FFTM", "PfEd", "BDF", "meta", "MERG", "TSIV", "Zapf", "bdat",
                            "bloc", "cidg", "fdsc", "feat", "fmtx", "fond", "just", "kerx",
                            "ltag", "morx", "trak", "xref")


def pdf_glyph_subset(fontfile, glyphs, *, shared: bool = True):
    """matplotlib's font subsetting for PDF (Type 42) without the layout tables.

    The same as ``matplotlib.backends._backend_pdf_ps.get_glyphs_subset`` (same options, same
    glyphs, same order), except that :data:`PDF_UNUSED_FONT_TABLES` are dropped before
    subsetting instead of being subset glyph by glyph; the embedded font draws the same glyphs.
    With ``shared``, a figure whose glyphs are all among :data:`PDF_SUBSET_CHARS`' gets the
    font's one subset of those (made once per process): the same bytes for every such figure,
    whatever else was drawn before, and no subsetting per figure.

    Args:
        fontfile: the font (matplotlib's ``FontPath``: a path with a ``face_index``).
        glyphs: glyph indices to keep.
        shared: use the font's shared subset when it holds every glyph.

    Returns:
        A context manager yielding matplotlib's ``SubsetResults``.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from matplotlib.backends import _backend_pdf_ps

    glyphs = set(glyphs)
    if shared:
        common = _shared_subset(str(fontfile), getattr(fontfile, "face_index", 0))
        if common is not None and glyphs <= common[1].keys():
            data, gmap = common
            return _backend_pdf_ps.SubsetResults(
                # as fontTools' subsetter loads a font: no new timestamp or bounds on saving
                TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False),
                {g: gmap[g] for g in glyphs})._as_cm()

    options = subset.Options(glyph_names=True, recommended_glyphs=True)
    options.drop_tables += [*_MPL_DROPPED_FONT_TABLES, *PDF_UNUSED_FONT_TABLES]
    options.font_number = getattr(fontfile, "face_index", 0)
    font = subset.load_font(fontfile, options)
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(gids=glyphs)
    subsetter.subset(font)
    return _backend_pdf_ps.SubsetResults(font, subsetter.glyph_index_map)._as_cm()


# Characters every PDF subset of a font holds, so that one subset per font serves most
# figures: printable ASCII, the letters of Latin-1, and typographic punctuation.
PDF_SUBSET_CHARS = "".join(map(chr, [*range(0x20, 0x7F), *range(0xC0, 0x100), 0xA0, 0xB7,
                                     0xB0, 0xA9, 0xAB, 0xBB, *range(0x2010, 0x2027),
                                     0x2212]))


@functools.lru_cache(maxsize=16)
def _shared_subset(path: str, face_index: int) -> tuple[bytes, dict[int, int]] | None:
    """One subset of a font holding :data:`PDF_SUBSET_CHARS` (serialised), and its glyph map;
    None when the font has none of them."""
    from fontTools.ttLib import TTFont
    from matplotlib.font_manager import FontPath

    with TTFont(path, fontNumber=face_index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
        gids = sorted({font.getGlyphID(cmap[ord(c)]) for c in PDF_SUBSET_CHARS
                       if ord(c) in cmap})
    if not gids:
        return None
    with pdf_glyph_subset(FontPath(path, face_index), set(gids), shared=False) as res:
        buf = io.BytesIO()
        res.font.save(buf, reorderTables=False)
        return buf.getvalue(), dict(res.glyph_index_map)


@contextlib.contextmanager
def _lean_pdf_fonts():
    """Use :func:`pdf_glyph_subset` while a PDF is written (matplotlib looks the function up
    on its module at each call); anything else than matplotlib 3.11's layout is left alone."""
    from matplotlib.backends import _backend_pdf_ps

    original = getattr(_backend_pdf_ps, "get_glyphs_subset", None)
    if original is None or not hasattr(_backend_pdf_ps, "SubsetResults"):
        yield
        return
    _backend_pdf_ps.get_glyphs_subset = pdf_glyph_subset
    try:
        yield
    finally:
        _backend_pdf_ps.get_glyphs_subset = original


_SAVE_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}


def _fix_layout(fig: Figure) -> None:
    """Lay the figure out once (constrained layout, at the figure's own dpi), then take the
    layout engine away: savefig draws a figure that has any layout engine (even matplotlib's
    "none" placeholder) once more before drawing it for real, so three formats would cost
    six draws instead of three."""
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
        with plt.rc_context({"figure.autolayout": False,
                             "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)


def _render(fig: Figure, fmt: str, dpi: int = 300) -> bytes:
    """The figure as ``fmt`` bytes, reproducibly: no dates, a fixed SVG id salt, lean PDF
    font subsets."""
    buf = io.BytesIO()
    plt.rcParams["svg.hashsalt"] = "tallybook"
    with _lean_pdf_fonts() if fmt == "pdf" else contextlib.nullcontext():
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_SAVE_METADATA[fmt])
    return buf.getvalue()


def _write_formats(fig: Figure, out: Path, name: str, formats: Sequence[str]) -> list[Path]:
    """``out/<name>.<fmt>`` for each of ``formats``, reproducibly and atomically."""
    from helpers.contract import atomic_write_bytes

    paths = []
    for fmt in formats:
        path = out / f"{name}.{fmt}"
        atomic_write_bytes(path, _render(fig, fmt))
        paths.append(path)
    return paths


def _write_data(fig: Figure, out: Path, name: str) -> list[Path]:
    from helpers.contract import atomic_write_text

    data = getattr(fig, "tallybook_data", None)
    if not isinstance(data, pd.DataFrame):
        return []
    path = out / f"{name}.csv"
    atomic_write_text(path, data.to_csv(index=False, lineterminator="\n"))
    return [path]


def save_figure(fig: Figure, out_dir: str | Path, name: str) -> list[Path]:
    """Save as ``<name>.png`` (300 dpi), ``.svg`` and ``.pdf``, byte-for-byte reproducible,
    and the figure's data as ``<name>.csv`` beside them.

    Files are written atomically; SVG and PDF carry no dates and a fixed id salt; PDF fonts
    are embedded as Type 42 (TrueType) subsets. :class:`FigureSaver` writes the same files
    from a background process.
    """
    out = Path(out_dir)
    _fix_layout(fig)
    paths = _write_formats(fig, out, name, FORMATS) + _write_data(fig, out, name)
    plt.close(fig)  # the notebook shows the returned figure once; pyplot lets go of it
    return paths


def _write_pickled(data: bytes, out: str, name: str, formats: tuple[str, ...]) -> list[str]:
    """In the saver's process: the figure back from its pickle, written in ``formats``."""
    import pickle

    fig = pickle.loads(data)
    try:
        return [str(p) for p in _write_formats(fig, Path(out), name, formats)]
    finally:
        plt.close(fig)


class FigureSaver:
    """Saves figures into one folder exactly as :func:`save_figure` does, the data at once
    and the PNG, SVG and PDF in one background process (the figure travels there pickled,
    after its layout is fixed: the files are byte for byte those of :func:`save_figure`,
    tested). While the notebook draws its next figure the other core writes the files of the
    last one.

    :meth:`close` waits for every file and raises if one could not be written; call it at
    the end (the notebook's last cell). Where processes cannot be forked the saver writes
    everything at once, like :func:`save_figure`.

    Args:
        out_dir: the figures folder.
        background: False writes everything at once.
    """

    def __init__(self, out_dir: str | Path, *, background: bool = True) -> None:
        import multiprocessing as mp

        self.out = Path(out_dir)
        self.background = background and "fork" in mp.get_all_start_methods()
        self._pool: Any = None
        self._jobs: list[tuple[str, Any]] = []
        self.saved: list[Path] = []

    def save(self, fig: Figure, name: str) -> list[Path]:
        """Write ``fig`` as ``name`` (see :func:`save_figure`); returns the files it will
        have written once :meth:`close` returns."""
        import pickle

        if not self.background:
            paths = save_figure(fig, self.out, name)
            self.saved += paths
            return paths
        _fix_layout(fig)
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        self._jobs.append((name, self._pool.submit(_write_pickled, pickle.dumps(fig),
                                                   str(self.out), name, FORMATS)))
        written = [self.out / f"{name}.{fmt}" for fmt in FORMATS]
        written += _write_data(fig, self.out, name)
        plt.close(fig)
        self.saved += written
        return written

    def close(self) -> list[Path]:
        """Wait for the background copies; every file written, in order.

        Raises:
            RuntimeError: naming each figure whose files could not be written.
        """
        failed = []
        for name, job in self._jobs:
            try:
                job.result()
            except Exception as exc:  # reported below, every one
                failed.append(f"{name}: {type(exc).__name__}: {exc}")
        self._jobs = []
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if failed:
            raise RuntimeError("figures not written: " + "; ".join(failed))
        return list(self.saved)


def warm_up(names: Sequence[str] = ()) -> None:
    """Draw a small figure and save it in every format, in memory: a notebook's first real
    figure then does not pay for loading the fonts, the backends and the PDF font subsetter.
    The runner calls this in a kernel it starts ahead of the notebook that imports charts
    (``names``, what the notebook imports from the module, is not needed here); nothing is
    written and pyplot does not see the figure."""
    with plt.rc_context():  # the kernel's settings are left as they were
        apply_style()
        fig = Figure(figsize=(3, 2), layout="constrained")
        ax = fig.subplots()
        ax.barh(["a", "b"], [1, 2], color=list(OKABE_ITO.values())[:2])
        ax.imshow(np.zeros((2, 2)), interpolation="none", extent=(0, 1, 0, 1))
        ax.set_title("Warm-up ◆ – é", loc="left")
        ax.set_xlabel("x")
        _fix_layout(fig)
        for fmt in FORMATS:
            _render(fig, fmt, dpi=72)


def draw_all(tables: dict[str, pd.DataFrame], *, country: str = "",
             terms: Sequence[str] = (), dispersion_docs: Sequence[str] = (),
             n_dispersion_docs: int = 5, top_states: int = 25):
    """Every chart of notebook 04, in its order, as ``(name, figure)`` pairs (a generator,
    so one figure at a time is alive). ``tables`` is :func:`helpers.explore.load_run`'s."""
    docs = tables["documents"]
    summary = tables["event_summary"]
    yield "delegations_by_event", delegations_by_event(summary, country=country)
    yield "share_over_time", share_over_time(summary, country=country)
    yield "stance_heatmap", stance_heatmap(tables["actor_record"], tables["stance_events"],
                                           country=country, top=top_states)
    yield "source_agreement", source_agreement(summary)
    yield "claimed_vs_official", claimed_vs_official(summary)
    yield "mentions_by_country_year", mentions_by_country_year(
        explore.mentions_by_group(tables["entities"], docs), docs)
    shares = explore.theme_shares(tables["sentences"])
    yield "themes_by_country_year", themes_by_country_year(
        explore.themes_by_group(shares, docs), docs)
    chosen = list(dispersion_docs) or explore.documents_for_terms(tables["sentences"], terms,
                                                                  n=n_dispersion_docs)
    yield "dispersion", dispersion(tables["sentences"], terms, chosen, docs)
