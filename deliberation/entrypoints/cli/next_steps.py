"""The command line's wording of a next step: the command that takes it.

The service layer states the situation ("Bedarf 7 gibt es nicht.") and puts the
step's key on the error; here the command line adds the command:
"Bedarf 7 gibt es nicht (deliberation need list zeigt alle)."
"""

from __future__ import annotations

from deliberation.domain.errors import Hint, NextStep

#: the command of every next step; ``{name}`` is filled in from what the step is about
COMMANDS: dict[NextStep, str] = {
    NextStep.LIST_ACCOUNTS: "deliberation user list zeigt alle",
    NextStep.LIST_CYCLES: "deliberation cycle list zeigt alle",
    NextStep.LIST_NEEDS: "deliberation need list zeigt alle",
    NextStep.LIST_GROUPS: "deliberation group list",
    NextStep.LIST_RECOMMENDATIONS: "deliberation recommendation list",
    NextStep.LIST_MEETINGS: "deliberation meeting list",
    NextStep.MEETINGS_OF_BODY: "deliberation meeting list --body {body}",
    NextStep.ADD_MEETING: "deliberation meeting add {body} --at …",
    NextStep.PLACE_RECOMMENDATION: "deliberation recommendation place {recommendation_id} SITZUNG",
    NextStep.RECORD_RESULT: "deliberation recommendation result {recommendation_id} --result …",
    NextStep.STATEMENT_WITHOUT_MEETING: (
        "deliberation recommendation result {recommendation_id} --ohne-sitzung --result … --text …"
    ),
    NextStep.ASSIGN_RECOMMENDATION: "deliberation recommendation assign {recommendation_id} …",
    NextStep.ADD_NEEDS: "deliberation need add",
    NextStep.VOTE_NEEDS: "deliberation need vote",
    NextStep.FORM_GROUP: "deliberation group form",
    NextStep.REPORT_IMPLEMENTATION: "deliberation recommendation report NR --round {round}",
    NextStep.OUTBOX_STATUS: "deliberation outbox status",
    NextStep.CHECK_WORKFLOWS: "deliberation workflows check zeigt, welche Vorgänge betroffen sind",
}


def command_of(step: Hint) -> str:
    return COMMANDS[step.step].format_map(step.about)


def with_pointers(message: str, pointers: list[str]) -> str:
    """``message`` with ``pointers`` (options, commands) in brackets before its full stop."""
    if not pointers:
        return message
    hint = f"({'; '.join(pointers)})"
    if message.endswith("."):
        return f"{message[:-1]} {hint}."
    return f"{message} {hint}"
