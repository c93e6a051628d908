"""Builds the scheduler's policy and tools from the configuration (part of the composition root)."""

from __future__ import annotations

from datetime import timedelta

from deliberation.bootstrap import Application, holiday_calendar
from deliberation.config import Settings
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.scheduling import SchedulePolicy, Series, WorkshopPlan
from deliberation.service_layer.due_work import SchedulerTools
from deliberation.service_layer.retention import RetentionPolicy


def schedule_policy(settings: Settings, engine: WorkflowEngine) -> SchedulePolicy:
    """Every body with a cadence and the conference, with the county's closed days.

    The conference is the workflow declared with ``[round] conference = true``; its
    cadence is the ``[cycles.NAME]`` entry of the same name, its feeders are launched
    before it.
    """
    conference = engine.conference()
    conference_name = conference.name if conference else ""
    with_holidays = holiday_calendar(settings)
    without = holiday_calendar(settings, school_holidays=False)
    config = settings.scheduler
    series = [
        Series(
            key=body.key,
            title=body.name,
            rule=body.cadence,
            notice_days=body.notice_days,
            location=config.location,
            body_key=body.key,
            closed=with_holidays if body.avoid_school_holidays else without,
            public=body.public,
        )
        for body in settings.bodies
        if body.cadence is not None
    ]
    series += [
        Series(
            key=cycle.key,
            title=cycle.name,
            rule=cycle.cadence,
            notice_days=config.conference_notice_days,
            location=config.location,
            cycle_workflow=cycle.key,
            closed=with_holidays if cycle.avoid_school_holidays else without,
        )
        for cycle in settings.cycles
        if cycle.key == conference_name
    ]
    workshops = config.workshops
    return SchedulePolicy(
        timezone=settings.county.timezone,
        series=tuple(series),
        workshops=WorkshopPlan(
            weeks_before_conference=workshops.weeks_before_conference,
            time=workshops.time,
            notice_days=workshops.notice_days,
            launch_weeks_before_conference=workshops.launch_weeks_before_conference,
            conference_launch_weeks_before=workshops.conference_launch_weeks_before,
            allow_weekend=workshops.allow_weekend,
            duration_minutes=workshops.duration_minutes,
            venues=tuple((m.key, m.venue) for m in settings.municipalities if m.venue),
        ),
        conference_series=conference_name,
        feeder_workflows=tuple(d.name for d in engine.feeders()),
        reminder_days=config.reminder_days,
        send_time=config.send_time,
        horizon_months=config.horizon_months,
        late_after=timedelta(minutes=config.late_after_minutes),
        max_attempts=config.max_attempts,
        retry_after=timedelta(minutes=config.retry_minutes),
        escalation_to=config.escalation_to,
        decision_due_days=config.decision_due_days,
        holidays_known_until=max((h.last for h in settings.school_holidays), default=None),
    )


def scheduler_tools(app: Application) -> SchedulerTools:
    policy = schedule_policy(app.settings, app.deps.engine)
    return SchedulerTools(
        policy=policy,
        sender=app.settings.smtp.sender,
        mailing=app.mailing(),
        web_base_url=app.settings.web.base_url,
        retention=retention_policy(app.settings),
        fan_out=app.fan_out(),
    )


def retention_policy(settings: Settings) -> RetentionPolicy:
    """The periods of ``[retention]`` and ``[invitations]`` as the rules apply them."""
    kept = settings.retention
    return RetentionPolicy(
        unconfirmed_after=timedelta(days=settings.invitations.remove_unconfirmed_after_days),
        message_texts_after=timedelta(days=kept.message_text_days),
        answers_after=timedelta(days=kept.answers_days),
        log_years=kept.log_years,
    )
