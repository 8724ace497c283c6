"""The change log and the review list read back: `why` (which edit made this word) and `review` (answer open rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from pipeline.cli.app import fail
from pipeline.locations import CLEAN_DIR, RULES_DIR


@click.command()
@click.argument("word", required=False)
@click.option("--book", help="Book folder under OUT; default: the only one")
@click.option("--line", type=int, help="Only edits on this raw line")
@click.option("--page", type=int, help="Only edits on this printed page")
@click.option("--out", type=click.Path(path_type=Path), default=CLEAN_DIR, help="Output folder the books were cleaned into")
@click.option("--limit", default=20, help="Show at most this many edits (0: all)")
def why(word: Optional[str], book: Optional[str], line: Optional[int], page: Optional[int], out: Path, limit: int) -> None:
    """Say why a word differs from the scan: every edit and review entry that touches it, with its evidence.

    WORD is a word as the scan has it or as the clean text has it.

    Reads OUT/<book>/changes.jsonl and review.tsv. Exit 1 when no edit matches
    (the text there reads as in the scan), 2 when the output is missing.

    \b
    Example: python -m pipeline why extremely
    """
    from pipeline.changelog.explain import ExplainError, book_folder, explain, occurrences

    if word is None and line is None and page is None:
        fail("give a word, --line or --page")
        raise click.exceptions.Exit(2)
    try:
        folder = book_folder(out, book)
        findings = explain(folder, word, line, page)
    except ExplainError as exc:
        fail(str(exc))
        raise click.exceptions.Exit(2)
    asked = " and ".join(
        part for part in (repr(word) if word else "", f"raw line {line}" if line else "", f"page {page}" if page else "") if part
    )
    if not findings:
        if word and line is None and page is None and not occurrences(folder, word):
            click.echo(f"{folder.name}: {word!r} is neither in book.md nor in any edit; check the spelling.")
        else:
            click.echo(f"{folder.name}: no edit touches {asked}; there the text reads as in the scan.")
        raise click.exceptions.Exit(1)
    shown = findings if limit <= 0 else findings[:limit]
    click.echo(f"{folder.name}: {len(findings)} edit(s) and review entries touch {asked}:\n")
    click.echo("\n\n".join(f.describe() for f in shown))
    if len(shown) < len(findings):
        click.echo(f"\n... {len(findings) - len(shown)} more; --limit 0 shows all, --page/--line narrow it.")


@click.command()
@click.option("--book", help="Book folder under OUT; default: the only one")
@click.option("--out", type=click.Path(path_type=Path), default=CLEAN_DIR, help="Output folder the books were cleaned into")
@click.option("--rules", type=click.Path(path_type=Path), default=RULES_DIR,
              help="Rules folder whose review_decisions.tsv gets the answers")
def review(book: Optional[str], out: Path, rules: Path) -> None:
    """Answer the open rows of review.tsv one by one; the answers go into RULES/review_decisions.tsv.

    For each row: a accept (its first candidate, or confirm), r reject (keep
    as printed), e edit (type the right text), s skip, q stop. The next run,
    scheduled ones included, applies the answers as logged changes (rule
    reviewer) and asks only what is still open.

    \b
    Example: python -m pipeline review
    """
    from pipeline.changelog.decide import ANSWERS, append, decided, decision_line, open_rows
    from pipeline.changelog.explain import ExplainError, book_folder

    try:
        folder = book_folder(out, book)
        rows = open_rows(folder)
    except ExplainError as exc:
        fail(str(exc))
        raise click.exceptions.Exit(2)
    done = decided(rules, folder.name)
    rows = [r for r in rows if (r["stage"], r["line"], r["token"]) not in done]
    click.echo(f"{folder.name}: {len(rows)} open row(s)")
    answers = []
    for n, row in enumerate(rows, start=1):
        click.echo(f"\n[{n}/{len(rows)}] p. {row['page'] or '?'}, raw line {row['line']}, {row['stage']}: {row['token']!r}")
        click.echo(f"  context:    {row['context']}")
        click.echo(f"  candidates: {row['candidates'] or '-'}")
        click.echo(f"  why asked:  {row['reason']}")
        key = click.prompt("  a accept, r reject, e edit, s skip, q stop", default="s").strip().lower()[:1]
        if key == "q":
            break
        if key not in ANSWERS:
            continue
        text = click.prompt("  right text") if key == "e" else ""
        note = click.prompt("  note (why)", default="", show_default=False)
        answers.append(decision_line(folder.name, row, ANSWERS[key], text, note))
    if answers:
        path = append(rules, answers)
        click.echo(f"\n{len(answers)} answer(s) written to {path}; `python -m pipeline run` applies them.")
    else:
        click.echo("\nno answers written.")
