"""Every fixed word the reports print, in Chinese and English.

Data text comes from elsewhere: measures and indicators from the measure catalog, source names
from the input contract. The words are one table, a line per key (`key | 中文 | English`), so a
translator reads both languages side by side; `{field}` is filled by `t(key, field=...)`.
"""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("zh", "en")
STATUS_ORDER = ("on_track", "at_risk", "off_track", "no_data")
STATUS_COLOURS = {
    "on_track": "#1a7f37",
    "at_risk": "#b7791f",
    "off_track": "#c62828",
    "no_data": "#6b7280",
}

_TABLE = """
title | 北京市促进家政服务消费高质量发展若干措施 实施监测周报 | Measures to Promote High-Quality Development of Domestic Service Consumption in Beijing: Weekly Implementation Monitoring Report
short_title | 家政服务消费措施实施监测周报 | Domestic-service measures: weekly monitoring
bureau | 北京市商务局 | Beijing Municipal Bureau of Commerce
week | 监测周 | Reporting week
data_as_of | 数据截至 | Data as of
generated | 生成时间 | Generated
toc | 目录 | Contents
cover | 封面 | Cover
section | 章节 | Section
sheets | 工作表 | Sheets
sheets_none | 见HTML/PDF版报告 | In the HTML and PDF report
summary | 执行摘要 | Executive summary
measures | 各项措施实施情况 | Implementation by measure
measures_intro | 以下按{areas}个领域列示{n}项措施：每项措施的指标、全市趋势、分区情况与工作进展台账。 | The {n} measures follow in {areas} areas: for each, its indicators, the all-Beijing trend, the district figures and the milestone ledger.
headline | {id} {title}：{with_data}/{total}项指标本周有数据，{on}项进度正常，{risk}项存在风险，{off}项滞后。 | {id} {title}: {with_data} of {total} indicator(s) have data this week; {on} on track, {risk} at risk, {off} off track.
headline_no_data | {id} {title}：本周{total}项指标均无数据。 | {id} {title}: none of its {total} indicator(s) has data this week.
status_counts | {n}项措施状态分布 | Status of the {n} measures
moved | 状态较上周变化的措施 | Measures whose status changed since last week
none_moved | 本周无措施状态变化。 | No measure changed status this week.
lagging | 排名靠后的区县 | Districts at the foot of the league table
none_lagging | 本周无可排名的区县。 | No district can be ranked this week.
lagging_count | 项指标未达进度 | indicator(s) off track
was | 上周 | last week
indicator | 指标 | Indicator
this_week | 本周 | This week
ytd | 年初至今 | Year to date
target | 目标 | Target
progress | 进度 | Progress
wow | 周环比 | Week over week
pp | 个百分点 | pp
status | 状态 | Status
illustrative | 示意 | illustrative
illustrative_note | 标“示意”的目标为示意值，待主管部门确定正式目标后替换。 | Targets marked “illustrative” are placeholders until the bureau sets real ones.
no_data | 无数据 | No data
no_data_sentence | 本周无可用数据，不作估计。 | No data this week; nothing is estimated.
trend | 趋势（全市） | Trend (all Beijing)
districts | 分区情况（本周） | By district (this week)
no_districts | 本周无分区数据（或该措施仅有全市口径）。 | No district figures this week (or the measure is reported for all Beijing only).
suppressed_mark | ※ | ※
suppressed_note | ※ 基数少于{n}人（家）的区县数值不予公布 | ※ district figures resting on fewer than {n} workers or enterprises are suppressed
suppressed_list | 本图已隐去 | omitted from this chart
internal_mark | 内部资料 注意保存 | 内部资料 注意保存 · Internal: keep safe, not for publication
complementary_note | ※ 为防止由合计、环比或累计推算出被抑制的数值，另有少量区县数值及派生数不予公布 | ※ a few further district figures and derived figures are withheld so that suppressed ones cannot be worked out from totals, week-over-week or year-to-date figures
notes | 工作进展台账 | Milestone ledger
no_notes | 本周无报送。 | Nothing reported this week.
agency | 报送单位 | Agency
reported_on | 报送日期 | Reported on
action | 工作事项 | Action
quantity | 数量 | Quantity
note | 备注 | Note
data_behind | 数据来源（本周） | Data behind it (this week)
rows_loaded | 载入行 | rows loaded
rows_quarantined | 隔离行 | rows quarantined
lead_agency | 牵头单位 | Lead agency
dq | 数据质量 | Data quality
dq_by_source | 各数据源本周接收情况 | Deliveries this week by source
source | 数据源 | Source
source_meta | 系统运行记录 | Pipeline records
files | 文件数 | Files
rows_read | 读取行 | Rows read
loaded | 载入行 | Rows loaded
quarantined | 隔离行 | Rows quarantined
late | 迟报行 | Late rows
rejected_files | 拒收文件 | Rejected files
dq_matrix | 各区县文件接收数（按数据源） | Files received per district and source
district | 区县 | District
district_code | 区划代码 | District code
all_beijing | 全市 | All Beijing
missing | 未报送 | Missing deliveries
none_missing | 本周各区县数据均已报送。 | Every district delivered every source.
failed | 未通过的数据校验 | Failed expectations
none_failed | 本周全部数据校验通过。 | Every expectation passed this week.
not_validated | 尚无数据校验结果（未运行校验）。 | No validation results: validation has not run.
expectation | 校验规则 | Expectation
column | 字段 | Column
severity | 级别 | Severity
observed | 观测值 | Observed
unexpected | 异常行数 | Unexpected rows
completeness | 报送完整度 | Delivery completeness
methodology | 附录：方法说明 | Appendix: methodology
method_intro | 指标定义、数据来源与目标均取自措施目录（catalog/measures.yaml）。流量指标按周求和，年初至今按自然年累计：计入当年1月1日至本周末（周日）之间日期的全部事件，跨年的那一周按日期拆分，分别计入两年的年初至今；存量指标取周末时点值；比率指标全市与各区均由同一分子分母计算。进度：流量指标为年初至今 ÷（年度目标 × 数据覆盖周数 ÷ 全年周数，即与数据同一窗口的序时进度），其他为本周值 ÷ 目标（越低越好者取倒数）；回看期长于已加载历史的指标显示为“历史不足”；任务类措施的状态取自任务台账；进度≥{on}为正常推进，≥{risk}为存在风险，其余为进度滞后。 | Definitions, sources and targets come from the measure catalog (catalog/measures.yaml). Flows are summed per week; year to date is the calendar year: every event dated from 1 January to the week's end (Sunday), the week that straddles the new year split by date between the two years' year-to-date figures; states are the value at week end; ratios are computed from one numerator and denominator for Beijing and for each district. Progress is year to date ÷ (annual target × the share of the year the loaded weeks cover: the schedule over the same window as the data) for flows, else value ÷ target (inverted where lower is better); an indicator whose look-back is longer than the loaded history reads insufficient history; measures that are agency tasks take their status from the task ledger; at least {on} is on track, at least {risk} at risk, else off track.
definition | 定义 | Definition
misfiled | 未读取的收件箱内容（放错位置的文件或文件夹） | Inbox items not read (misfiled files or folders)
path | 路径 | Path
problem | 问题 | Problem
window | 统计窗口 | Window
window.week | 本周 | the week
window.state | 周末时点 | at week end
window.lookback | 近{n}周 | the last {n} weeks
window.since | 自{d}起 | since {d}
window.opening | 期初累计{n} | opening balance {n}
tasks_title | 任务台账 | Task ledger
tasks_intro | 各项措施分解的任务、牵头与责任单位、时间节点及应报送单位（标注“示意”的日期为示意，待主管部门确认）。 | Each measure's tasks, lead and responsible units, due dates and reporting units (dates marked illustrative await the bureau's confirmation).
task | 任务 | Task
lead_unit | 牵头单位 | Lead unit
responsible_units | 责任单位 | Responsible units
due | 时间节点 | Due
reporters | 报送单位（频次） | Reporting units (frequency)
frequency.monthly | 每月 | monthly
frequency.quarterly | 每季度 | quarterly
sources | 数据来源 | Sources
kind | 类型 | Kind
page | 第 {page} / {total} 页 | Page {page} of {total}
measure | 措施 | Measure
sheet_all | 全部指标 | All indicators
status.on_track | 正常推进 | On track
status.at_risk | 存在风险 | At risk
status.off_track | 进度滞后 | Off track
status.no_data | 无数据 | No data
status.insufficient_history | 历史数据不足 | Insufficient history
status.no_cases | 本期无案件 | No cases this period
kind.flow | 流量（周合计） | flow (weekly sum)
kind.state | 存量（周末时点） | state (at week end)
kind.ratio | 比率 | ratio
kind.meta | 运行指标 | pipeline metric
brief | 领导版 | Leadership brief
brief_title | 北京市促进家政服务消费高质量发展若干措施实施监测{kind}（领导版） | Domestic Service Consumption Measures in Beijing: {kind} Implementation Brief for Leaders
brief_short | 家政服务消费措施实施监测 领导版 | Domestic-service measures: leadership brief
report_kind.week | 周报 | Weekly
report_kind.month | 月报 | Monthly
report_kind.quarter | 季报 | Quarterly
issue_number | {year}年第{n}期 | {year}, No. {n}
report_title | 北京市促进家政服务消费高质量发展若干措施 实施监测{kind} | Measures to Promote High-Quality Development of Domestic Service Consumption in Beijing: {kind} Implementation Monitoring Report
as_of_week | 本期数据为截至{week}的周度监测数据 | Figures as of reporting week {week}
issue_date | {y}年{m}月{d}日 | {y}-{m:02d}-{d:02d}
period.week | 监测周：{label}（{start}至{end}） | Reporting week {label} ({start} to {end})
period.month | 监测月份：{year}年{month}月（{start}至{end}） | Month {label} ({start} to {end})
period.quarter | 监测季度：{year}年第{q}季度（{start}至{end}） | Quarter {label} ({start} to {end})
brief_status | 措施状态 | Status of the measures
brief_outcomes | 政策成效指标 | Policy outcomes
brief_overall | 总体进展 | Overall progress
brief_achievements | 主要成效 | Main achievements
brief_problems | 存在问题 | Problems
brief_next | 下一步工作 | Next steps
overall_sentence | {n}项措施中，{on}项达到序时进度，{risk}项存在风险，{off}项滞后于序时进度，{none}项暂无数据。 | Of the {n} measures, {on} are on schedule, {risk} at risk, {off} behind schedule and {none} without data.
overall_compare | 与{previous}相比，{better}项措施状态好转，{worse}项转差。 | Against {previous}, {better} measure(s) improved and {worse} worsened.
achievement_measure | {id} {title}：{indicator}进度由{before}提高到{now}（提高{delta}个百分点）。 | {id} {title}: {indicator} progress rose from {before} to {now} (+{delta} pp).
achievement_district | {district}：可评价指标平均进度提高{delta}个百分点（{n}项指标）。 | {district}: mean progress of its rated indicators up {delta} pp ({n} indicators).
no_achievements | 与上期相比，暂无进度提高的措施或区县。 | No measure or district improved its progress since the previous period.
problem_projection | {id} {title}：{indicator}预计全年完成{projected}（目标{target}），低于序时进度{gap}个百分点。 | {id} {title}: {indicator} is projected to reach {projected} this year (target {target}), {gap} pp behind schedule.
problem_gap | {id} {title}：{indicator}当前为{value}（目标{target}），低于序时进度{gap}个百分点。 | {id} {title}: {indicator} stands at {value} (target {target}), {gap} pp behind schedule.
problem_progress | {id} {title}：{indicator}当前为{value}（目标{target}），完成进度{progress}。 | {id} {title}: {indicator} stands at {value} (target {target}), progress {progress}.
problem_tasks | {id} {title}：任务推进滞后（见下列逾期任务）。 | {id} {title}: its tasks lag (see the overdue tasks below).
problem_more | 另有{n}项措施滞后，详见完整报告。 | {n} more measure(s) lag; see the full report.
overdue_task | 逾期任务：{task}（牵头单位：{lead}，时间节点：{due}）。 | Overdue task: {task} (lead: {lead}, due {due}).
overdue_more | 另有{n}项任务逾期，详见完整报告任务台账。 | {n} more overdue task(s): see the full report's task ledger.
owed_reports | 未按期报送进展的单位：{units}。 | Units owing a progress report: {units}.
no_problems | 本期无滞后措施、逾期任务或欠报单位。 | No measure lags, no task is overdue and no unit owes a report.
next_step | {task}（牵头单位：{lead}，下一时间节点：{due}）：{text} | {task} (lead: {lead}, next due {due}): {text}
next_step_public | {task}（牵头单位：{lead}，下一时间节点：{due}）。 | {task} (lead: {lead}, next due {due}).
not_reported | （未报送） | (not reported)
no_next | 各项任务均已完成。 | Every task is done.
next_more | 另有{n}项任务，详见完整报告任务台账。 | {n} more task(s): see the full report's task ledger.
previous_period.week | 上周 | last week
previous_period.month | 上月 | last month
previous_period.quarter | 上季度 | last quarter
value_col | 本期 | This period
mom | 环比 | vs previous period
yoy | 同比 | vs a year earlier
"""

# the full report's additions (issue 16): league table, corrections, tasks, projections, sample mark
_FULL_REPORT_TABLE = """
league | 区县排名 | District league table
league_intro | 得分为区县可评价指标（设有区级目标且基数达到公布门槛、未被抑制）进度的平均值，单项进度最高按{cap}计；少于{n}项可评价指标的区县不参与排名，列为“数据不足”。排名变化与上周比较。 | The score is the mean progress over the indicators a district can be rated on (a district-level target and a base above the disclosure threshold, never a suppressed cell), each capped at {cap}; a district with fewer than {n} such indicators is not ranked but listed as insufficient data. The change in rank is against last week.
league_new | 新 | new
league_rank | 排名 | Rank
league_score | 得分 | Score
league_scored | 参评指标数 | Indicators scored
league_off_track | 其中滞后 | Off track
league_previous | 上周排名 | Last week's rank
league_change | 排名变化 | Change
league_weakest | 最弱两项 | Two weakest
league_insufficient | 数据不足 | Insufficient data
league_fewer | 可评价指标少于{n}项 | fewer than {n} rated indicators
league_none | 本周无可排名的区县。 | No district can be ranked this week.
league_see | 完整排名见“区县排名” | The full ranking is in the district league table
revisions | 更正说明 | Corrections
revisions_intro | 以下各周的数据因迟报、更正或重报文件而重新计算，已发布数值随之更正（原值 → 新值）。 | The weeks below were recomputed after late, corrected or resent files; published figures changed as shown (old → new).
revisions_none | 本期无更正。 | No figure was restated in this issue.
revision_week | 更正周 | Restated week
revision_week_title | {week}：{n}个数值更正 | {week}: {n} figure(s) restated
revision_recorded | 更正时间（北京时间） | Restated at (Beijing time)
revision_reason | 更正原因 | Why
revision_old | 原值 | Old
revision_new | 新值 | New
revision_difference | 变化 | Difference
projection_title | 年初至今与全年预测（全市） | Year to date and year-end projection (all Beijing)
projection_ytd | 年初至今 | Year to date
projection_target | 全年目标 | Annual target
projection_schedule | 序时进度 | Schedule
projection_projection | 全年预测 | Projection
projection_band | 预测区间（80%） | 80% band
task_units | 牵头及责任单位 | Lead and responsible units
task_owed | 未报送 | owed by
task_status.done | 已完成 | Done
task_status.on_schedule | 按计划推进 | On schedule
task_status.due_soon | 临近时限 | Due soon
task_status.overdue | 已逾期 | Overdue
task_status.not_reported | 未按期报送 | Not reported
dq_pages | 逐项校验结果 | Every check in detail
dq_pages_link | 离线数据质量页面（数据目录下 dq/index.html） | the offline data-quality pages (dq/index.html in the data directory)
dq_shortfalls | 未达要求的区县与文件 | Districts and files that fell short
dq_no_shortfalls | 本周各区县文件均已接收，无隔离行。 | Every file was accepted and no row was quarantined this week.
dq_refused | 拒收文件{n}份 | {n} file(s) refused
dq_quarantined | 隔离{n}行（共读取{read}行） | {n} of {read} row(s) quarantined
dq_rule | {source}：{n}行不符合“{rule}”（{severity}） | {source}: {n} row(s) break the rule “{rule}” ({severity})
dq_blocking | 影响指标计算 | blocks the figures
severity.error | 错误 | error
severity.warn | 警告 | warning
beijing_time | （北京时间） | (Beijing time)
sample_mark | 样例数据 / SAMPLE DATA | 样例数据 / SAMPLE DATA
csv_download | 下载CSV | Download CSV
filter_district | 按区县筛选 | Filter by district
filter_all | 全部区县 | All districts
revision_withheld | 另有{n}个未公布数值随之更正。 | {n} further figure(s) that are not published changed as well.
"""

# punctuation whose spaces matter, which the table would trim
_PUNCTUATION = {
    "colon": ("：", ": "),
    "lp": ("（", " ("),
    "rp": ("）", ")"),
    "semi": ("；", "; "),
    "list_sep": ("、", ", "),
    "comma": ("，", ", "),
    "stop": ("。", "."),
}

Translator = Callable[..., str]


def _parse(table: str) -> dict[str, dict[str, str]]:
    """The table as `{key: {"zh": ..., "en": ...}}`; a line without exactly three cells is an error."""
    strings: dict[str, dict[str, str]] = {}
    for line in filter(None, (raw.strip() for raw in table.splitlines())):
        cells = [cell.strip() for cell in line.split(" | ")]
        if len(cells) != 1 + len(LANGS) or cells[0] in strings:
            raise ValueError(f"reports.i18n: bad or repeated line {line!r}")
        strings[cells[0]] = dict(zip(LANGS, cells[1:], strict=True))
    return strings


STRINGS: dict[str, dict[str, str]] = (
    _parse(_TABLE)
    | _parse(_FULL_REPORT_TABLE)
    | {key: dict(zip(LANGS, pair, strict=True)) for key, pair in _PUNCTUATION.items()}
)


def translator(lang: str) -> Translator:
    """`t(key, **fields)` for one language."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")

    def t(key: str, **fields: object) -> str:
        text = STRINGS[key][lang]
        return text.format(**fields) if fields else text

    return t


def pair(key: str) -> dict[str, str]:
    """A key's text in every language, for what declares its own zh/en title (the sections)."""
    return STRINGS[key]
