"""`python -m nlp evaluate`: score the shipped tagger against labelled comments and check targets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from nlp.metrics import macro_f1, per_theme
from nlp.tagger import Tagger, TagResult
from nlp.taxonomy import THEMES

TARGET_EN_MACRO_F1 = 0.80
TARGET_OTHER_MACRO_F1 = 0.60
TARGET_SG_RECALL = 1.0
TARGET_SG_FALSE_ALARM = 0.15


@dataclass
class LanguageReport:
    """Scores of one language (or 'all')."""

    lang: str
    n: int
    themes: dict[str, dict[str, float]]
    macro_f1: float
    sg_positives: int
    sg_recall: float
    sg_missed: list[str]
    sg_negatives: int
    sg_false_alarm_rate: float
    sentiment_accuracy: float
    sentiment_n: int


@dataclass
class Report:
    """Everything `evaluate` prints."""

    languages: dict[str, LanguageReport]
    overall: LanguageReport
    hard_negative_false_alarm_rate: float | None = None
    hard_negatives: int = 0
    hard_negative_flags: list[str] = field(default_factory=list)


def score(
    lang: str, records: Sequence[dict[str, Any]], results: Sequence[TagResult]
) -> LanguageReport:
    """Theme, safeguarding and sentiment scores for matched gold records and tagger results."""
    gold = [set(r["themes"]) for r in records]
    predicted = [set(res.themes) for res in results]
    positives = [(r, res) for r, res in zip(records, results, strict=True) if r["safeguarding"]]
    negatives = [(r, res) for r, res in zip(records, results, strict=True) if not r["safeguarding"]]
    missed = [str(r.get("id", r["text"][:40])) for r, res in positives if not res.safeguarding]
    false_alarms = sum(1 for _, res in negatives if res.safeguarding)
    sentiment_pairs = [
        (r["sentiment"], res.sentiment)
        for r, res in zip(records, results, strict=True)
        if r.get("sentiment")
    ]
    return LanguageReport(
        lang=lang,
        n=len(records),
        themes=per_theme(gold, predicted),
        macro_f1=macro_f1(gold, predicted),
        sg_positives=len(positives),
        sg_recall=(len(positives) - len(missed)) / len(positives) if positives else 1.0,
        sg_missed=missed,
        sg_negatives=len(negatives),
        sg_false_alarm_rate=false_alarms / len(negatives) if negatives else 0.0,
        sentiment_accuracy=sum(g == p for g, p in sentiment_pairs) / len(sentiment_pairs)
        if sentiment_pairs
        else 0.0,
        sentiment_n=len(sentiment_pairs),
    )


def evaluate_records(
    tagger: Tagger, records: Sequence[dict[str, Any]], hard_negatives: Sequence[dict[str, Any]] = ()
) -> Report:
    """Tag the gold records (with their stated language) and score them per language and overall."""
    results = tagger.tag_many([r["text"] for r in records], [r.get("lang") for r in records])
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_lang[record.get("lang") or "und"].append(i)
    languages = {
        lang: score(lang, [records[i] for i in idx], [results[i] for i in idx])
        for lang, idx in sorted(by_lang.items())
    }
    report = Report(languages=languages, overall=score("all", records, results))
    if hard_negatives:
        hn = tagger.tag_many(
            [r["text"] for r in hard_negatives], [r.get("lang") for r in hard_negatives]
        )
        flagged = [
            str(r.get("id")) for r, res in zip(hard_negatives, hn, strict=True) if res.safeguarding
        ]
        report.hard_negatives = len(hard_negatives)
        report.hard_negative_flags = flagged
        report.hard_negative_false_alarm_rate = len(flagged) / len(hard_negatives)
    return report


def _check(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_report(report: Report, out: TextIO, targets: bool = False) -> bool:
    """Print per-theme P/R/F1, macro-F1 per language, safeguarding and sentiment; return targets held."""
    all_ok = True
    for lang, rep in [*report.languages.items(), ("all", report.overall)]:
        out.write(f"\n== {lang}: {rep.n} comments ==\n")
        if lang == "all" or lang == "en" or len(report.languages) == 1:
            out.write(f"{'theme':<22}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}\n")
            for theme in THEMES:
                row = rep.themes[theme]
                out.write(
                    f"{theme:<22}{row['precision']:>10.2f}{row['recall']:>8.2f}{row['f1']:>8.2f}{int(row['support']):>9}\n"
                )
        out.write(f"theme macro-F1: {rep.macro_f1:.3f}\n")
        out.write(
            f"safeguarding recall: {rep.sg_recall:.3f} ({rep.sg_positives - len(rep.sg_missed)}/{rep.sg_positives})"
            f"{'  missed: ' + ', '.join(rep.sg_missed) if rep.sg_missed else ''}\n"
        )
        out.write(
            f"safeguarding false-alarm rate: {rep.sg_false_alarm_rate:.3f} (of {rep.sg_negatives} non-disclosures)\n"
        )
        out.write(f"sentiment accuracy: {rep.sentiment_accuracy:.3f} (n={rep.sentiment_n})\n")
    if report.hard_negative_false_alarm_rate is not None:
        out.write(
            f"\nhard negatives false-alarm rate: {report.hard_negative_false_alarm_rate:.3f} "
            f"({len(report.hard_negative_flags)}/{report.hard_negatives})"
            f"{'  flagged: ' + ', '.join(report.hard_negative_flags) if report.hard_negative_flags else ''}\n"
        )
    if targets:
        out.write("\n== targets ==\n")
        for lang, rep in report.languages.items():
            target = TARGET_EN_MACRO_F1 if lang == "en" else TARGET_OTHER_MACRO_F1
            ok = rep.macro_f1 >= target
            all_ok &= ok
            out.write(f"{_check(ok)} {lang} theme macro-F1 {rep.macro_f1:.3f} >= {target:.2f}\n")
        for lang, rep in [*report.languages.items(), ("all", report.overall)]:
            ok = rep.sg_recall >= TARGET_SG_RECALL
            all_ok &= ok
            out.write(
                f"{_check(ok)} {lang} safeguarding recall {rep.sg_recall:.3f} >= {TARGET_SG_RECALL:.2f}\n"
            )
        ok = report.overall.sg_false_alarm_rate <= TARGET_SG_FALSE_ALARM
        all_ok &= ok
        out.write(
            f"{_check(ok)} safeguarding false alarms on non-disclosures {report.overall.sg_false_alarm_rate:.3f} <= {TARGET_SG_FALSE_ALARM:.2f}\n"
        )
        if report.hard_negative_false_alarm_rate is not None:
            ok = report.hard_negative_false_alarm_rate <= TARGET_SG_FALSE_ALARM
            all_ok &= ok
            out.write(
                f"{_check(ok)} safeguarding false alarms on hard negatives {report.hard_negative_false_alarm_rate:.3f} <= {TARGET_SG_FALSE_ALARM:.2f}\n"
            )
        out.write(f"\nALL TARGETS {'HOLD' if all_ok else 'DO NOT HOLD'}\n")
    return all_ok
