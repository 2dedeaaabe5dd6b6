"""Command line: `python -m nlp tag | evaluate [GOLD.jsonl | --split test] | train`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from nlp.data import DATA_DIR, load_hard_negatives, load_split, read_jsonl


def _tag(args: argparse.Namespace) -> int:
    from nlp.tagger import load_tagger

    tagger = load_tagger(args.models)
    batch: list[tuple[object, str, str | None]] = []

    def flush() -> None:
        results = tagger.tag_many([text for _, text, _ in batch], [lang for _, _, lang in batch])
        for (comment_id, _, _), result in zip(batch, results, strict=True):
            sys.stdout.write(result.to_json(comment_id) + "\n")
        sys.stdout.flush()
        batch.clear()

    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record.get("text")
            comment_id = record.get("id", number)
            lang = record.get("lang") or None
        except (json.JSONDecodeError, AttributeError):
            # Still answer for this line: a human must see what we could not read.
            record, text, comment_id, lang = {}, None, number, None
        batch.append((comment_id, text if isinstance(text, str) else "", lang))
        if len(batch) >= args.batch_size:
            flush()
    if batch:
        flush()
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nlp.evaluate import evaluate_records, print_report
    from nlp.tagger import load_tagger

    tagger = load_tagger(args.models)
    data_dir = Path(args.data) if args.data else DATA_DIR
    if args.gold:
        records = read_jsonl(Path(args.gold))
        hard_negatives: list[dict] = []
        sys.stdout.write(f"gold file: {args.gold}\n")
    else:
        records = load_split(args.split, data_dir)
        hard_negatives = load_hard_negatives(data_dir)
        sys.stdout.write(f"split: {args.split} ({data_dir / args.split}/*.jsonl)\n")
    sys.stdout.write(f"model version: {tagger.model_version}\n")
    if not records:
        sys.stderr.write("no labelled comments to evaluate\n")
        return 2
    report = evaluate_records(tagger, records, hard_negatives)
    held = print_report(report, sys.stdout, targets=not args.gold)
    return 0 if held or args.gold else 1


def _train(args: argparse.Namespace) -> int:
    from nlp.train import SEED, train_all

    manifest = train_all(
        out_dir=Path(args.out) if args.out else None,
        data_dir=Path(args.data) if args.data else None,
        langs=args.lang or None,
        seed=args.seed if args.seed is not None else SEED,
    )
    sys.stdout.write(f"model version: {manifest['model_version']}\n")
    sys.stdout.write(
        f"{'lang':<5}{'train':>6}{'dev':>5}{'rules':>7}{'model':>7}{'comb.':>7}  choice     sg-thr  sentiment\n"
    )
    for lang, info in manifest["languages"].items():
        dev, settings = info["dev"], info["settings"]
        thr = settings["sg_threshold"]
        sys.stdout.write(
            f"{lang:<5}{dev['n_train']:>6}{dev['n_dev']:>5}{dev['theme_rules_f1']:>7.3f}{dev['theme_model_f1']:>7.3f}"
            f"{dev['theme_combined_f1']:>7.3f}  {settings['theme_mode']:<10} {thr if thr is not None else '-':<7} "
            f"{settings['sentiment_mode']}\n"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m nlp`."""
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__)
    parser.add_argument("--models", help="model directory (default nlp/models)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    tag = sub.add_parser("tag", help="JSON lines {id, text, lang?} on stdin -> tags on stdout")
    tag.add_argument("--batch-size", type=int, default=512)
    evaluate = sub.add_parser(
        "evaluate", help="score against GOLD.jsonl, or the test split with targets"
    )
    evaluate.add_argument(
        "gold", nargs="?", help="labelled comments (JSONL); default: --split test"
    )
    evaluate.add_argument("--split", default="test", choices=["train", "dev", "test"])
    evaluate.add_argument("--data", help="data directory (default nlp/data)")
    train = sub.add_parser("train", help="rebuild nlp/models/ from nlp/data/")
    train.add_argument("--lang", action="append", help="only this language (repeatable)")
    train.add_argument("--data", help="data directory (default nlp/data)")
    train.add_argument("--out", help="model directory to write (default nlp/models)")
    train.add_argument("--seed", type=int)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handlers = {"tag": _tag, "evaluate": _evaluate, "train": _train}
    return handlers[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
