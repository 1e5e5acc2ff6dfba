"""Human labels for the SPEC §3 teams, reasons and outcomes (codes from disputes.reasons)."""

from __future__ import annotations

from disputes.reasons import REASONS, TEAMS
from disputes.states import Outcome

#: words a plain "replace _ by space" would get wrong
_WORDS = {"po": "PO", "pod": "POD"}
_SPECIAL = {"set_off": "Set-off"}

OUTCOME_LABELS: dict[str, str] = {
    Outcome.CREDIT_NOTE.value: "Credit note",
    Outcome.CORRECTED_INVOICE.value: "Corrected invoice",
    Outcome.REJECTED.value: "Rejected",
    Outcome.WITHDRAWN.value: "Withdrawn",
}


def _humanise(code: str) -> str:
    if code in _SPECIAL:
        return _SPECIAL[code]
    words = [_WORDS.get(word, word) for word in code.split("_")]
    first = words[0] if words[0].isupper() else words[0].capitalize()
    return " ".join([first, *words[1:]])


#: team code → label, in SPEC order
TEAM_LABELS: dict[str, str] = {team: team.capitalize() for team in TEAMS}
#: "<team>.<code>" → label of the code alone (the team is shown next to it)
REASON_LABELS: dict[str, str] = {
    f"{team}.{code}": _humanise(code) for team, codes in REASONS.items() for code in codes
}


def team_label(team: str) -> str:
    return TEAM_LABELS.get(team, team)


def reason_label(team: str, code: str) -> str:
    """("delivery", "pod_missing") → "POD missing"; an unknown code stays as stored."""
    return REASON_LABELS.get(f"{team}.{code}", code)


def full_reason_label(team: str, code: str) -> str:
    """("delivery", "wrong_item") → "Delivery: wrong item"; acronyms stay ("POD missing")."""
    label = reason_label(team, code)
    if not label.split(" ", 1)[0].isupper():
        label = label[:1].lower() + label[1:]
    return f"{team_label(team)}: {label}"
