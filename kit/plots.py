"""Pictures of conversations: how upset each customer was, turn by turn."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kit.i18n import N_, _

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kit.conversation import Transcript


F = TypeVar("F", bound=Callable[..., Any])
UPSET_TITLE = N_("How upset each customer got")  # emotion_curves' default title, shown in the learner's language


# Font files with Chinese glyphs, as Debian, Ubuntu, macOS and Windows name them (fonts-wqy-zenhei is the course's).
CJK_FONTS = ("wqyzenhei", "wqymicrohei", "notosanscjk", "notoserifcjk", "droidsansfallback", "sourcehansans",
             "simhei", "msyh", "pingfang")  # file names in lower case, without - and _


@functools.cache
def font_families() -> list[str]:
    """The fonts pictures are drawn with: matplotlib's default, then a Chinese font from this machine if there is one.

    Matplotlib falls back glyph by glyph along this list, so Chinese labels (the Chinese lessons' legends, a
    persona's name) are drawn instead of boxes. Matplotlib's own font list may predate the font, so it is
    registered here. Without any Chinese font on the machine the list is the default alone.
    """
    import logging

    from matplotlib import font_manager

    families = ["DejaVu Sans"]
    for path in sorted(font_manager.findSystemFonts()):
        if any(name in Path(path).name.lower().replace("-", "").replace("_", "") for name in CJK_FONTS):
            font_manager.fontManager.addfont(path)
            families.append(font_manager.FontProperties(fname=path).get_name())
            # A CJK font's regular weight is often 500: matplotlib logs "failed to find weight normal" on every draw.
            logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
            break
    return families


def use_chinese_font() -> list[str]:
    """Make every picture of this process, the learner's own included, fall back to a Chinese font (the Chinese
    lessons draw with plain matplotlib too). Returns the font list now in force."""
    import matplotlib

    families = font_families()
    matplotlib.rcParams["font.family"] = families
    return families


def plain_labels(function: F) -> F:
    """Draw with mathtext off: a name such as "$x^$" (a learner's, an agent's) is drawn as typed, never parsed.

    Matplotlib reads text between dollar signs as a formula and raises on a malformed one, which
    would stop a whole class's report over one learner's name.
    """
    @functools.wraps(function)
    def drawn(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False, "font.family": font_families()}):
            return function(*args, **kwargs)

    return drawn  # type: ignore[return-value]


@plain_labels
def emotion_curves(groups: Mapping[str, Mapping[str, Transcript]], title: str = UPSET_TITLE) -> Figure:
    """One panel per group (e.g. "weak prompt", "strong prompt"), one line per customer, upset 0-10 per turn.

    The end of each line is marked by how the conversation ended: ✓ satisfied, ☎ handed off, ✗ left.
    """
    import matplotlib.pyplot as plt

    ends = {"satisfied": "✓", "handoff": "☎", "left": "✗", "max_turns": "…"}
    fig, axes = plt.subplots(1, len(groups), figsize=(5.2 * len(groups), 3.8), sharey=True, squeeze=False)
    names = sorted({name for transcripts in groups.values() for name in transcripts})
    from matplotlib.ticker import MaxNLocator

    colours = {name: plt.get_cmap("tab10")(i % 10) for i, name in enumerate(names)}
    for ax, (label, transcripts) in zip(axes[0], groups.items()):
        for name, transcript in transcripts.items():
            levels = transcript.emotions
            ax.plot(range(1, len(levels) + 1), levels, marker=".", color=colours[name], label=name)
            ax.annotate(ends[transcript.outcome], (len(levels), levels[-1]), textcoords="offset points",
                        xytext=(5, -4), color=colours[name])
        ax.set(title=label, xlabel=_("customer message"), ylim=(-0.5, 10.5))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.axhline(8, color="grey", linestyle=":", linewidth=1)
    axes[0][0].set_ylabel(_("upset (0-10)"))
    axes[0][-1].legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize="small")
    fig.suptitle(_(UPSET_TITLE) if title == UPSET_TITLE else title)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's value
    return fig
