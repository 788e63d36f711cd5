"""`dasan stt ...`: check the shipped model, transcribe calls after they end."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Speech-to-text: the offline model and call transcripts.",
                  no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Assemble and verify the shipped Whisper base model (SHA-256), and load it."""
    from dasan.stt.port import SttUnavailable, get_stt_settings, make_stt

    try:
        stt = make_stt()
        if hasattr(stt, "model"):
            stt.model()
    except SttUnavailable as exc:
        typer.echo(f"STT unavailable: {exc}")
        raise typer.Exit(1) from None
    typer.echo(f"STT adapter {stt.name} ready ({get_stt_settings().model_dir or 'whisper-base'})")


@app.command("transcribe")
def transcribe(call: int | None = typer.Option(None, help="one call (voice_calls id)"),
               pending: bool = typer.Option(False, help="every ended call not transcribed"),
               wav: Path | None = typer.Option(None, help="print a WAV file's transcript")
               ) -> None:
    """Transcribe calls after they end (masked, per leg, with timestamps), or a WAV file."""
    from dasan.db.session import session_scope
    from dasan.stt import transcripts
    from dasan.stt.port import make_stt
    from dasan.voice.media import audio

    stt = make_stt()
    if wav is not None:
        for seg in stt.transcribe(audio.read_wav_8k(wav)):
            typer.echo(f"{seg.start_ms / 1000:7.2f}-{seg.end_ms / 1000:7.2f} {seg.text}")
        return
    with session_scope() as session:
        ids = [call] if call is not None else (transcripts.pending_calls(session)
                                               if pending else [])
        if not ids:
            typer.echo("nothing to transcribe (give --call ID or --pending)")
            return
        for cid in ids:
            n = transcripts.transcribe_call(session, cid, stt)
            typer.echo(f"call {cid}: {n} segments")
