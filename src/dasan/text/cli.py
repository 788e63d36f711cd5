"""`dasan text ...`: mask personal data, screen for abuse/crisis, identify the language.

Each command reads its text from the argument or, without one, from standard input (one message
per line with ``--lines``).
"""

from __future__ import annotations

import json
import sys

import typer

from dasan.cli_support import fail as _fail
from dasan.cli_support import lazy_module
from dasan.errors import DomainError

# Heavy (sklearn, lingua): loaded by the first command that uses them.
abuse = lazy_module("dasan.text.abuse")
abuse_model = lazy_module("dasan.text.abuse_model")
abuse_fast = lazy_module("dasan.text.abuse_fast")
langid = lazy_module("dasan.text.langid")
pii = lazy_module("dasan.text.pii")

app = typer.Typer(
    help="한국어 텍스트 도구: 개인정보 마스킹, 욕설·위기 감지, 언어 식별 "
    "(Korean text tools: PII masking, abuse/crisis screening, language id).",
    no_args_is_help=True,
)


def _inputs(text: str | None, lines: bool) -> list[str]:
    if text is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise _fail("give the text as an argument or on standard input")
        raw = sys.stdin.read()
        items = [ln for ln in raw.splitlines() if ln.strip()] if lines else [raw.rstrip("\n")]
    else:
        items = [text]
    if not items or not any(t.strip() for t in items):
        raise _fail("the text is empty")
    return items


def _emit(payload: object, as_json: bool, plain: str) -> None:
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        typer.echo(plain)


@app.command("mask")
def mask_cmd(
    text: str | None = typer.Argument(None, help="text to mask (default: standard input)"),
    as_json: bool = typer.Option(False, "--json", help="print spans as JSON"),
    lines: bool = typer.Option(False, "--lines", help="stdin holds one message per line"),
) -> None:
    """개인정보 마스킹 (mask personal data: RRN, phone, card, account, e-mail, car, address)."""
    for item in _inputs(text, lines):
        try:
            result = pii.mask(item)
        except (ValueError, DomainError) as exc:
            raise _fail(str(exc)) from exc
        _emit(result.to_dict(), as_json, result.masked)


@app.command("screen")
def screen_cmd(
    text: str | None = typer.Argument(None, help="text to screen (default: standard input)"),
    as_json: bool = typer.Option(False, "--json", help="print the full screening as JSON"),
    lines: bool = typer.Option(False, "--lines", help="stdin holds one message per line"),
    rules_only: bool = typer.Option(False, "--rules-only", help="skip the trained classifier"),
) -> None:
    """욕설·위협·성희롱 및 위기 감지 (screen for abuse and crisis)."""
    items = _inputs(text, lines)
    try:
        results = abuse.screen_many(items, use_classifier=not rules_only)
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    for result in results:
        words = ", ".join(s.text for s in result.spans)
        crisis = str(result.crisis).lower()
        plain = f"{result.category}\tseverity={result.severity}\tcrisis={crisis}"
        if words:
            plain += f"\t[{words}]"
        _emit(result.to_dict(), as_json, plain)


@app.command("lang")
def lang_cmd(
    text: str | None = typer.Argument(None, help="text (default: standard input)"),
    as_json: bool = typer.Option(False, "--json", help="print scores as JSON"),
    lines: bool = typer.Option(False, "--lines", help="stdin holds one message per line"),
) -> None:
    """언어 식별 (identify the language: ko, en, ja, zh, vi, mn)."""
    for item in _inputs(text, lines):
        try:
            code = langid.detect_language(item)
            scores = langid.language_scores(item)
        except (ValueError, DomainError) as exc:
            raise _fail(str(exc)) from exc
        _emit({"language": code, "scores": scores}, as_json, code)


@app.command("train-crisis")
def train_crisis_cmd() -> None:
    """위기 분류기 학습·캐시 (train the crisis classifier, its gate and its third stage once;
    kept in var/models)."""
    from dasan.text import crisis

    model = crisis.get_model()
    if model is None:
        raise _fail("the packaged crisis training set is missing")
    typer.echo(f"crisis model: trained on {model.trained_on} texts; "
               f"threshold {model.threshold:.2f}")
    from dasan.text import crisis_gate

    gate = crisis_gate.get_gate()  # the second stage, from ../shared/data when present
    typer.echo(f"crisis gate: trained on {gate.trained_on} texts; threshold {gate.threshold:.2f}"
               if gate is not None else "crisis gate: no shared data; the first stage alone")
    from dasan.text import crisis_stage

    stage = crisis_stage.get_stage()  # the third stage, from ../shared/data when present
    typer.echo(f"crisis stage: trained on {stage.trained_on} texts; threshold "
               f"{stage.threshold:.2f}" if stage is not None
               else "crisis stage: no shared data; the rules and the gate alone")
    now = crisis_stage.get_imminence()
    if now is not None:
        typer.echo(f"crisis stage imminence: trained on {now.trained_on} crises; threshold "
                   f"{now.threshold:.2f}")
    from dasan.text import crisis_opinion

    opinion = crisis_opinion.get_opinion()  # beside the stage, when the ONNX encoder is built
    typer.echo(f"crisis stage second opinion: trained on {opinion.trained_on} texts; mixed at "
               f"{crisis_opinion.WEIGHT:.2f}, threshold {crisis_opinion.THRESHOLD:.2f}"
               if opinion is not None else "crisis stage second opinion: none (no stage or no "
               "ONNX encoder); the stage decides alone")


@app.command("train-abuse")
def train_abuse_cmd(
    force: bool = typer.Option(False, "--force", help="retrain even when a cached model exists"),
) -> None:
    """욕설 분류기 학습·캐시 (train and cache the abuse classifier from ../shared/data)."""
    clf = abuse_model.train_from_shared(force=force)
    if clf is None:
        raise _fail("curse-detection data not found under the shared data directory")
    compiled = abuse_fast.compiled(clf)
    if isinstance(compiled, abuse_fast.CompiledClassifier):
        abuse_fast.keep_compiled(compiled)  # the form servers and screening workers read
    typer.echo(f"trained on {clf.trained_on} comments; threshold {clf.threshold:.2f}")
