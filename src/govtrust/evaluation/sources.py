"""The data sources a leaf indicator may read: what each counts, over which subjects, in which unit.

An indicator names its source by code; an indicator system naming a source that is not here is refused at
publication, not at run time. Each source is computed for a period and a set of subjects by one set-based
query over the ledger and the workflow tables (the evaluation run), and gives per subject a value and the
sample it rests on (the denominator of a rate, the count of cases), so minimum sample sizes can be applied.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    name_en: str
    unit: str  # rate (0–1), count, score (0–100)
    counts: str  # what it counts, in Chinese, as the indicator page states it
    sample: str  # what the sample (n) is


SOURCES = {s.code: s for s in (
    Source("publicity.on_time_rate", "双公示按时公示率", "publicity on-time rate", "rate",
           "期内作出的行政许可、行政处罚决定中，自决定之日起7个工作日内公示的比例", "期内决定数"),
    Source("publicity.completeness", "双公示信息完整率", "publicity completeness", "rate",
           "期内公示的决定中，国家标准必填项齐全的比例", "期内公示数"),
    Source("publicity.accuracy", "双公示信息准确率", "publicity accuracy", "rate",
           "期内公示的决定中，通过编码、日期、金额一致性校验的比例", "期内公示数"),
    Source("litigation.lost_rate", "行政诉讼败诉率", "administrative litigation lost rate", "rate",
           "期内审结的行政诉讼案件中败诉的比例", "期内审结案件数"),
    Source("litigation.head_appearance_rate", "行政机关负责人出庭应诉率", "head-of-body court appearance rate", "rate",
           "期内开庭审理的行政诉讼案件中负责人出庭应诉的比例", "期内审结案件数"),
    Source("judgments.performed_rate", "生效判决按期履行率", "judgments performed on time", "rate",
           "履行期限在期内届满的生效判决中按期履行的比例", "期内到期的判决数"),
    Source("commitments.fulfilment_rate", "承诺践诺率", "commitment fulfilment rate", "rate",
           "期内到期的承诺中经审核认定践诺的比例", "期内到期的承诺数"),
    Source("ledger.new_serious", "新增严重失信记录", "new serious breach records", "count",
           "期内新增的严重失信记录数（不含已撤销、已更正为较轻程度的）", "主体数（每个主体1）"),
    Source("ledger.new_general", "新增一般失信记录", "new general breach records", "count",
           "期内新增的一般失信记录数", "主体数（每个主体1）"),
    Source("rectification.completion_rate", "失信整改完成率", "rectification completion rate", "rate",
           "整改期限在期内届满的整改案件中按期整改到位的比例", "期内到期的整改案件数"),
    Source("ledger.debtor_cleared_rate", "失信被执行人清理率", "judgment debtors cleared", "rate",
           "期内在列（期末前列入、期初尚未移出）的失信被执行人记录中，期内修复、撤销或到期移出的比例", "期内在列记录数"),
    Source("complaints.on_time_rate", "投诉举报按时答复率", "complaints replied on time", "rate",
           "期内答复的投诉举报中在办理期限内答复的比例", "期内答复数"),
    Source("complaints.satisfaction", "投诉举报满意率", "complaint satisfaction", "rate",
           "期内回访的投诉举报中评价满意或基本满意的比例", "期内回访数"),
    Source("complaints.found_true", "投诉举报查实数", "complaints found true", "count",
           "期内办结且查实（属实、部分属实）的投诉举报数", "主体数（每个主体1）"),
    Source("proposals.on_time_rate", "建议提案按时答复率", "suggestions and proposals answered on time", "rate",
           "答复期限在期内届满的人大代表建议和政协委员提案中在期限内答复的比例", "期内到期的建议提案数"),
    Source("proposals.satisfaction", "建议提案满意率", "suggestion and proposal satisfaction", "rate",
           "期内答复并评价的建议提案中评价满意或基本满意的比例", "期内评价数"),
    Source("inspections.mean_score", "上级督查平均得分", "upper-level inspection mean score", "score",
           "期内上级督查评分的平均值", "期内督查次数"),
    Source("assessments.third_party", "第三方评估得分", "third-party assessment score", "score",
           "期内第三方评估评分的平均值", "期内评估次数"),
    Source("assessments.self", "自评得分", "self-assessment score", "score", "期内自评评分的平均值", "期内自评次数"),
)}
