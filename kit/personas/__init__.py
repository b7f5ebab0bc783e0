"""Simulated difficult customers: persona cards and the engine that plays them.

    auntie = kit.personas.load("typo_auntie")
    kit.personas.names()   # every customer in the cast
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from kit.errors import KitError, UnknownPersona
from kit.i18n import N_, _
from kit.personas.card import PersonaCard, load_card
from kit.personas.engine import CustomerMessage, CustomerSession

if TYPE_CHECKING:
    import pandas

    from kit.llm import ChatModel
    from kit.personas.model_customer import ModelCustomerSession

CARDS = Path(__file__).with_name("cards")

__all__ = ["CustomerMessage", "CustomerSession", "Persona", "PersonaCard", "load", "load_card", "names", "table"]


def names() -> list[str]:
    """The ids of every persona card that ships with the kit."""
    return sorted(path.stem for path in CARDS.glob("*.yaml"))


@dataclass(frozen=True)
class Persona:
    """A customer the kit can play: a validated card plus the simulator."""

    card: PersonaCard

    @property
    def id(self) -> str:
        return self.card.id

    def start(self, seed: int = 0, model: str | ChatModel | None = None) -> CustomerSession | ModelCustomerSession:
        """A fresh conversation with this customer: scripted, or played by a real `model` from the same card."""
        if model is None:
            return CustomerSession(self.card, seed)
        from kit.llm import get_model
        from kit.personas.model_customer import ModelCustomerSession

        played_by = get_model(model)
        if played_by.name == "practice":
            raise KitError(_("The practice model plays agents, not customers: pass a real model, or leave "
                             "customer_model unset for the scripted customer."))
        return ModelCustomerSession(self.card, seed, played_by)

    def preview(self, seed: int = 0) -> CustomerMessage:
        """The customer's first message for this seed, typos and gloss included."""
        return self.start(seed).opening()

    def __str__(self) -> str:
        card = self.card
        return f"{card.name.zh} ({card.name.en}) — {card.background.en}"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        card = self.card
        return (
            f"<b>{html.escape(card.name.zh)}</b> ({html.escape(card.name.en)})<br>"
            f"{html.escape(card.background.zh)}<br><i>{html.escape(card.background.en)}</i>"
        )


TRAITS = {  # what makes a card difficult, in a few words, for the cast table (shown translated)
    N_("typos"): lambda c: c.style.typo_rate > 0.05,
    N_("new to online shopping"): lambda c: c.style.novice,
    N_("asks twice"): lambda c: c.style.repeats,
    N_("says little"): lambda c: not c.style.volunteers,
    N_("changes topic / attacks"): lambda c: any(a.kind != "change_mind" for a in c.asides),
    N_("changes their mind"): lambda c: any(a.kind == "change_mind" for a in c.asides),
    N_("starts upset"): lambda c: c.emotion.start >= 6,
    N_("English"): lambda c: c.language == "en",
    N_("dialect"): lambda c: c.style.dialect is not None,
    N_("old units (尺)"): lambda c: c.language == "zh" and any("尺" in fact.say.zh for fact in c.facts.values()),
    N_("beauty jargon"): lambda c: any(task.kind == "product_advice" for task in c.tasks),
    N_("stacked coupons"): lambda c: any(len(getattr(task, "coupons", ())) >= 2 for task in c.tasks),
    N_("wants a person"): lambda c: any(task.kind == "handoff" for task in c.tasks),
}


def table() -> pandas.DataFrame:
    """The cast at a glance: who, what they want, and what makes them difficult (a table only ever shown, so its
    headers and traits are in the learner's language; the ids and task kinds are the ones code uses)."""
    import pandas as pd

    rows = []
    for name in names():
        card = load(name).card
        rows.append({
            "id": name,
            _("name"): f"{card.name.zh} · {card.name.en}",
            _("wants"): ", ".join(task.kind for task in card.tasks),
            _("difficult because"): ", ".join(_(trait) for trait, test in TRAITS.items() if test(card)) or "—",
        })
    return pd.DataFrame(rows).set_index("id")


def load(persona_id: str | Path) -> Persona:
    """Load a persona by id (see `names()`), or a card file by path."""
    path = Path(persona_id)
    if path.suffix in (".yaml", ".yml"):
        return Persona(load_card(path))
    path = CARDS / f"{persona_id}.yaml"
    if not path.is_file():
        raise UnknownPersona(_("No persona called {name}. Known personas: {known}.").format(
            name=repr(str(persona_id)), known=", ".join(names())))
    return Persona(load_card(path))
