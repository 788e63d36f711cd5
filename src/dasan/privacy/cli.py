"""`dasan privacy ...`: the key ring for personal data at rest (ADR 0005).

* ``new-key``     - put a fresh key in front of the ring (new text is sealed with it); with
  ``DASAN_PII_KEYS`` set, prints the new value to configure instead of writing a file.
* ``rotate``      - re-seal every row that is not under the active key (then old keys can go).
* ``retire KEY``  - drop a key from the ring file once no row uses it.
* ``seal-existing`` - mask messages stored raw (chat before migration 0004, written channels
  before session 20) and legal case statements stored raw (before session 21), and seal their
  raw form.
* ``status``      - keys in the ring and how many rows each seals.
"""

from __future__ import annotations

import typer

from dasan.cli_support import fail

app = typer.Typer(
    help="개인정보 암호화 키 관리 (key ring for personal data at rest: rotate, re-seal).",
    no_args_is_help=True,
)


@app.command("status")
def status() -> None:
    """키 목록과 키별 암호문 수 (keys and rows sealed by each)."""
    from dasan.db.session import session_scope
    from dasan.privacy import keys, vault

    ring = keys.key_ring()
    with session_scope() as s:
        usage = vault.key_usage(s)
    for i, (kid, _key) in enumerate(ring.keys):
        typer.echo(f"{kid}\t{'active' if i == 0 else 'old'}\t{usage.pop(kid, 0)} rows")
    for kid, n in usage.items():
        typer.echo(f"{kid}\tMISSING\t{n} rows (cannot be opened)")


@app.command("new-key")
def new_key() -> None:
    """새 키를 맨 앞에 추가 (add a fresh active key; older keys stay to open old text)."""
    from dasan.config import get_settings
    from dasan.privacy import keys

    ring = keys.add_key(keys.key_ring())
    if get_settings().pii_keys:
        typer.echo("DASAN_PII_KEYS is set: configure this value, then run `dasan privacy "
                   "rotate`:", err=True)
        typer.echo(ring.serialise())
        return
    path = keys.write_ring(ring)
    typer.echo(f"new active key {ring.active_id} in {path}; run `dasan privacy rotate`")


@app.command("rotate")
def rotate(batch: int = typer.Option(500, min=1, max=100_000)) -> None:
    """활성 키로 재암호화 (re-seal every row under the active key)."""
    from dasan.db.session import session_scope
    from dasan.privacy import keys, vault

    ring = keys.key_ring()
    with session_scope() as s:
        moved = vault.rotate(s, batch=batch)
    total = sum(moved.values())
    detail = ", ".join(f"{k}: {n}" for k, n in sorted(moved.items())) or "nothing to do"
    typer.echo(f"re-sealed {total} rows under {ring.active_id} ({detail})")


@app.command("retire")
def retire(key_id: str) -> None:
    """사용하지 않는 옛 키 제거 (drop an old key no row uses any more)."""
    from dasan.config import get_settings
    from dasan.db.session import session_scope
    from dasan.privacy import keys, vault

    ring = keys.key_ring()
    if key_id not in [k for k, _ in ring.keys]:
        raise fail(f"no key {key_id!r} in the ring")
    if key_id == ring.active_id:
        raise fail("the active key cannot be retired; add a new key first")
    with session_scope() as s:
        still = vault.key_usage(s).get(key_id, 0)
    if still:
        raise fail(f"{still} rows are still sealed with {key_id}; run `dasan privacy rotate`")
    left = keys.KeyRing(tuple(k for k in ring.keys if k[0] != key_id))
    if get_settings().pii_keys:
        typer.echo(left.serialise())
        return
    keys.write_ring(left)
    typer.echo(f"retired {key_id}")


@app.command("seal-existing")
def seal_existing(batch: int = typer.Option(500, min=1, max=100_000)) -> None:
    """원문 저장 메시지·진술서 마스킹·암호화 (mask and seal text stored raw: chat messages before
    migration 0004, SMS/messenger/e-mail/Q&A board messages before session 20, legal case
    statements before session 21)."""
    from dasan.db.session import session_scope
    from dasan.privacy import backfill

    with session_scope() as s:
        n = backfill.seal_existing_messages(s, batch=batch)
        statements = backfill.seal_existing_statements(s, batch=batch)
    typer.echo(f"sealed {n} messages, {statements} legal case statements")
