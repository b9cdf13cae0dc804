"""Every fixed word the reports print, in Chinese and English; data text comes from the catalog."""

from __future__ import annotations

LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "title": {
        "zh": "北京市促进家政服务消费高质量发展若干措施 实施监测周报",
        "en": "Measures to Promote High-Quality Development of Domestic Service Consumption in Beijing: Weekly Implementation Monitoring Report",
    },
    "short_title": {
        "zh": "家政服务消费措施实施监测周报",
        "en": "Domestic-service measures: weekly monitoring",
    },
    "bureau": {"zh": "北京市商务局", "en": "Beijing Municipal Bureau of Commerce"},
    "week": {"zh": "监测周", "en": "Reporting week"},
    "data_as_of": {"zh": "数据截至", "en": "Data as of"},
    "generated": {"zh": "生成时间", "en": "Generated"},
    "toc": {"zh": "目录", "en": "Contents"},
    "summary": {"zh": "执行摘要", "en": "Executive summary"},
    "status_counts": {"zh": "22项措施状态分布", "en": "Status of the 22 measures"},
    "moved": {"zh": "状态较上周变化的措施", "en": "Measures whose status changed since last week"},
    "none_moved": {"zh": "本周无措施状态变化。", "en": "No measure changed status this week."},
    "lagging": {"zh": "落后区县", "en": "Lagging districts"},
    "none_lagging": {"zh": "本周无落后区县。", "en": "No district lags this week."},
    "lagging_count": {"zh": "项指标未达进度", "en": "indicator(s) off track"},
    "was": {"zh": "上周", "en": "last week"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "this_week": {"zh": "本周", "en": "This week"},
    "ytd": {"zh": "年初至今", "en": "Year to date"},
    "target": {"zh": "目标", "en": "Target"},
    "progress": {"zh": "进度", "en": "Progress"},
    "wow": {"zh": "周环比", "en": "Week over week"},
    "status": {"zh": "状态", "en": "Status"},
    "illustrative": {"zh": "示意", "en": "illustrative"},
    "illustrative_note": {
        "zh": "标“示意”的目标为示意值，待主管部门确定正式目标后替换。",
        "en": "Targets marked “illustrative” are placeholders until the bureau sets real ones.",
    },
    "no_data": {"zh": "无数据", "en": "No data"},
    "no_data_sentence": {
        "zh": "本周无可用数据，不作估计。",
        "en": "No data this week; nothing is estimated.",
    },
    "trend": {"zh": "趋势（全市）", "en": "Trend (all Beijing)"},
    "districts": {"zh": "分区情况（本周）", "en": "By district (this week)"},
    "no_districts": {
        "zh": "本周无分区数据（或该措施仅有全市口径）。",
        "en": "No district figures this week (or the measure is reported for all Beijing only).",
    },
    "suppressed_mark": {"zh": "※", "en": "※"},
    "suppressed_note": {
        "zh": "※ 基数少于{n}人（家）的区县数值不予公布",
        "en": "※ district figures resting on fewer than {n} workers or enterprises are suppressed",
    },
    "suppressed_list": {"zh": "本图已隐去", "en": "omitted from this chart"},
    "notes": {"zh": "工作进展台账", "en": "Milestone ledger"},
    "no_notes": {"zh": "本周无报送。", "en": "Nothing reported this week."},
    "agency": {"zh": "报送单位", "en": "Agency"},
    "reported_on": {"zh": "报送日期", "en": "Reported on"},
    "action": {"zh": "工作事项", "en": "Action"},
    "quantity": {"zh": "数量", "en": "Quantity"},
    "note": {"zh": "备注", "en": "Note"},
    "data_behind": {"zh": "数据来源（本周）", "en": "Data behind it (this week)"},
    "rows_loaded": {"zh": "载入行", "en": "rows loaded"},
    "rows_quarantined": {"zh": "隔离行", "en": "rows quarantined"},
    "lead_agency": {"zh": "牵头单位", "en": "Lead agency"},
    "dq": {"zh": "数据质量", "en": "Data quality"},
    "dq_by_source": {"zh": "各数据源本周接收情况", "en": "Deliveries this week by source"},
    "source": {"zh": "数据源", "en": "Source"},
    "files": {"zh": "文件数", "en": "Files"},
    "rows_read": {"zh": "读取行", "en": "Rows read"},
    "loaded": {"zh": "载入行", "en": "Rows loaded"},
    "quarantined": {"zh": "隔离行", "en": "Rows quarantined"},
    "late": {"zh": "迟报行", "en": "Late rows"},
    "rejected_files": {"zh": "拒收文件", "en": "Rejected files"},
    "dq_matrix": {
        "zh": "各区县文件接收数（按数据源）",
        "en": "Files received per district and source",
    },
    "district": {"zh": "区县", "en": "District"},
    "missing": {"zh": "未报送", "en": "Missing deliveries"},
    "none_missing": {
        "zh": "本周各区县数据均已报送。",
        "en": "Every district delivered every source.",
    },
    "failed": {"zh": "未通过的数据校验", "en": "Failed expectations"},
    "none_failed": {"zh": "本周全部数据校验通过。", "en": "Every expectation passed this week."},
    "not_validated": {
        "zh": "尚无数据校验结果（未运行校验）。",
        "en": "No validation results: validation has not run.",
    },
    "expectation": {"zh": "校验规则", "en": "Expectation"},
    "column": {"zh": "字段", "en": "Column"},
    "severity": {"zh": "级别", "en": "Severity"},
    "observed": {"zh": "观测值", "en": "Observed"},
    "unexpected": {"zh": "异常行数", "en": "Unexpected rows"},
    "completeness": {"zh": "报送完整度", "en": "Delivery completeness"},
    "methodology": {"zh": "附录：方法说明", "en": "Appendix: methodology"},
    "method_intro": {
        "zh": "指标定义、数据来源与目标均取自措施目录（catalog/measures.yaml）。流量指标按周求和，年初至今自当年第一个周一起累计；存量指标取周末时点值；比率指标全市与各区均由同一分子分母计算。进度：流量指标为年初至今 ÷（年度目标 × 已过年度比例），其他为本周值 ÷ 目标（越低越好者取倒数）；进度≥{on}为正常推进，≥{risk}为存在风险，其余为进度滞后。",
        "en": "Definitions, sources and targets come from the measure catalog (catalog/measures.yaml). Flows are summed per week, year to date from the first Monday of the year; states are the value at week end; ratios are computed from one numerator and denominator for Beijing and for each district. Progress is year to date ÷ (annual target × share of year elapsed) for flows, else value ÷ target (inverted where lower is better); at least {on} is on track, at least {risk} at risk, else off track.",
    },
    "definition": {"zh": "定义", "en": "Definition"},
    "sources": {"zh": "数据来源", "en": "Sources"},
    "unit": {"zh": "单位", "en": "Unit"},
    "kind": {"zh": "类型", "en": "Kind"},
    "page": {"zh": "第 {page} / {total} 页", "en": "Page {page} of {total}"},
    "all_beijing": {"zh": "全市", "en": "All Beijing"},
    "measure": {"zh": "措施", "en": "Measure"},
    "area": {"zh": "领域", "en": "Area"},
    "headline": {"zh": "要点", "en": "Headline"},
    "colon": {"zh": "：", "en": ": "},
    "lp": {"zh": "（", "en": " ("},
    "rp": {"zh": "）", "en": ")"},
    "semi": {"zh": "；", "en": "; "},
    "sheet_all": {"zh": "全部指标", "en": "All indicators"},
}

STATUS = {
    "on_track": {"zh": "正常推进", "en": "On track"},
    "at_risk": {"zh": "存在风险", "en": "At risk"},
    "off_track": {"zh": "进度滞后", "en": "Off track"},
    "no_data": {"zh": "无数据", "en": "No data"},
}
STATUS_ORDER = ("on_track", "at_risk", "off_track", "no_data")
STATUS_COLOURS = {
    "on_track": "#1a7f37",
    "at_risk": "#b7791f",
    "off_track": "#c62828",
    "no_data": "#6b7280",
}

SOURCE_NAMES = {
    "enterprises": {"zh": "企业登记", "en": "Enterprises"},
    "training": {"zh": "培训", "en": "Training"},
    "insurance": {"zh": "保险参保", "en": "Insurance"},
    "complaints": {"zh": "投诉", "en": "Complaints"},
    "placements": {"zh": "上岗对接", "en": "Placements"},
    "milestones": {"zh": "工作进展台账", "en": "Milestones"},
    "meta": {"zh": "系统运行记录", "en": "Pipeline records"},
}

KIND_NAMES = {
    "flow": {"zh": "流量（周合计）", "en": "flow (weekly sum)"},
    "state": {"zh": "存量（周末时点）", "en": "state (at week end)"},
    "ratio": {"zh": "比率", "en": "ratio"},
    "meta": {"zh": "运行指标", "en": "pipeline metric"},
}


def translator(lang: str):
    """`t(key, **fields)` for one language."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")

    def t(key: str, **fields: object) -> str:
        text = STRINGS[key][lang]
        return text.format(**fields) if fields else text

    return t
