"""The Monday-morning schedule of the weekly job."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import weekly_job

# The partition of a Monday-06:00 tick is the week that ended six hours earlier.
weekly_schedule = dg.build_schedule_from_partitioned_job(
    weekly_job,
    name="weekly_schedule",
    hour_of_day=6,
    minute_of_hour=0,
    description="每周一 06:00（北京时间）处理上一周 / Mondays 06:00 Asia/Shanghai: the past week.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
