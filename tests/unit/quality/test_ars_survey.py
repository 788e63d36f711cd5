"""The ARS satisfaction survey after a call: one key 1-5 recorded, a wrong key asked again,
silence leaves without an answer."""

from __future__ import annotations

import asyncio

from dasan.quality.surveys import ARS_PROMPT_KEY, ARS_THANKS_KEY, ars_survey


class Keypad:
    def __init__(self, keys: list[str | None]) -> None:
        self.keys, self.heard = list(keys), []  # type: list[str | None], list[str]

    async def play(self, key: str, text: str) -> None:
        assert text
        self.heard.append(key)

    async def digit(self, timeout: float) -> str | None:
        return self.keys.pop(0) if self.keys else None


def survey(keys: list[str | None]) -> tuple[int | None, list[int], list[str]]:
    recorded: list[int] = []

    async def record(score: int) -> None:
        recorded.append(score)

    pad = Keypad(keys)
    return asyncio.run(ars_survey(pad, record, timeout=0.01)), recorded, pad.heard


def test_a_key_is_recorded_and_thanked() -> None:
    assert survey(["4"]) == (4, [4], [ARS_PROMPT_KEY, ARS_THANKS_KEY])


def test_a_wrong_key_asks_again_then_gives_up() -> None:
    assert survey(["9", "2"]) == (2, [2], [ARS_PROMPT_KEY, ARS_PROMPT_KEY, ARS_THANKS_KEY])
    assert survey(["#", "0"]) == (None, [], [ARS_PROMPT_KEY, ARS_PROMPT_KEY])


def test_silence_records_nothing() -> None:
    assert survey([None]) == (None, [], [ARS_PROMPT_KEY])
