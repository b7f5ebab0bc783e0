"""Empathy: when the customer sounds worried, confused or angry, the next reply acknowledges it."""

from __future__ import annotations

from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult
from kit.graders.reading import customer as said
from kit.graders.reading import reply as read
from kit.i18n import N_, _

UPSET = 6  # an upset level at which feelings need acknowledging even without telling words


class Empathy:
    name = "empathy"
    title = N_("Empathy when upset")

    def __call__(self, transcript: Transcript) -> GraderResult:
        turns = transcript.turns
        moments = misses = 0
        evidence = []
        for customer, reply in zip(turns, turns[1:]):
            if customer.role != "customer" or reply.role != "agent":
                continue
            if not (said.expresses_distress(customer.text) or (customer.emotion or 0) >= UPSET):
                continue
            moments += 1
            if read.acknowledges_feelings(reply.text):
                evidence.append(Evidence.at(reply, _("acknowledged the customer's feelings"), good=True))
            else:
                misses += 1
                ignored = _("turn {turn} sounded upset; this reply ignored it").format(turn=customer.number)
                evidence.append(Evidence.at(reply, ignored))
        if moments == 0:
            return GraderResult(self.name, self.title, None, hint=_("The customer never sounded upset: nothing to judge."))
        hint = (
            _("Tell the agent to acknowledge the customer's feelings first when they sound worried or upset "
            "(别着急，我来帮您 / Don't worry, I'll help).") if misses else ""
        )
        return GraderResult(self.name, self.title, 100.0 * (moments - misses) / moments, tuple(evidence), hint)
