"""The moderation queue of needs from the public page: approve, merge, reject with a reason.

Only the Referat moderates; every decision is logged with the signed-in person
as actor, and a person who left a confirmed address is told the outcome.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.domain.errors import DeliberationError
from deliberation.domain.need_submissions import SubmissionStatus
from deliberation.entrypoints.web.auth import allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, values_of
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.service_layer import need_submissions
from deliberation.service_layer.accounts import AccountView

router = APIRouter()
Moderator = Annotated[AccountView, Depends(allowed(REFERAT, "Bedarfe aus dem Web freigeben"))]
PAGE = "/moderation"


@router.get(PAGE, response_class=HTMLResponse)
def queue(request: Request, ctx: Context, account: Moderator) -> HTMLResponse:
    decided = request.query_params.get("decided", "")
    return _page(ctx, request, FormErrors(), {}, notice=DECIDED.get(decided, ""))


DECIDED = {
    SubmissionStatus.APPROVED.value: "Der Bedarf ist freigegeben und zählt jetzt mit.",
    SubmissionStatus.MERGED.value: "Der Bedarf ist mit dem gewählten zusammengeführt.",
    SubmissionStatus.REJECTED.value: "Der Bedarf ist abgelehnt; die Begründung ist gespeichert.",
}


def _page(
    ctx: WebContext,
    request: Request,
    errors: FormErrors,
    values: dict[str, object],
    notice: str = "",
    failed: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    items = need_submissions.queue(ctx.deps)
    return ctx.pages.render(
        request,
        "staff/moderation.html",
        {
            "title": "Bedarfe aus dem Web",
            "items": items,
            "errors": errors,
            "values": values,
            "notice": notice,
            "failed": failed,
        },
        status_code=status,
    )


@router.post(PAGE + "/{submission_id}/approve")
def approve(
    request: Request, ctx: Context, submission_id: int, form: Form, account: Moderator
) -> Response:
    return _decide(ctx, request, submission_id, form, SubmissionStatus.APPROVED, account.name)


@router.post(PAGE + "/{submission_id}/merge")
def merge(
    request: Request, ctx: Context, submission_id: int, form: Form, account: Moderator
) -> Response:
    return _decide(ctx, request, submission_id, form, SubmissionStatus.MERGED, account.name)


@router.post(PAGE + "/{submission_id}/reject")
def reject(
    request: Request, ctx: Context, submission_id: int, form: Form, account: Moderator
) -> Response:
    return _decide(ctx, request, submission_id, form, SubmissionStatus.REJECTED, account.name)


def _decide(
    ctx: WebContext,
    request: Request,
    submission_id: int,
    form: Form,
    outcome: SubmissionStatus,
    actor: str,
) -> Response:
    errors = FormErrors()
    try:
        if outcome == SubmissionStatus.APPROVED:
            need_submissions.approve(ctx.deps, ctx.mailing, submission_id, actor)
        elif outcome == SubmissionStatus.MERGED:
            target = str(form.get("need_id") or "")
            if not target.isdigit():
                errors.add(f"need_id-{submission_id}", "Bitte den Bedarf wählen.", "Bedarf")
            else:
                need_submissions.merge(ctx.deps, ctx.mailing, submission_id, int(target), actor)
        else:
            reason = str(form.get("reason") or "")
            if not reason.strip():
                errors.add(f"reason-{submission_id}", "Bitte ausfüllen.", "Begründung")
            else:
                need_submissions.reject(ctx.deps, ctx.mailing, submission_id, reason, actor)
    except DeliberationError as exc:
        errors.add("", str(exc))
    if not errors:
        return RedirectResponse(f"{PAGE}?decided={outcome.value}", status_code=303)
    values = {f"{k}-{submission_id}": v for k, v in values_of(form).items()}
    return _page(ctx, request, errors, values, failed=submission_id, status=400)
