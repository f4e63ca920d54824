"""Settings as the operator writes them: empty means unset, levels and URLs checked by type."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_CORPUS, SettingsError, default_cache_dir, load_settings

VARIABLES = ("LOG_LEVEL", "WEBHOOK_URL", "TELEGRAM_API_BASE_URL", "CORPUS_DIR", "INDEX_DIR")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_an_empty_variable_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.setenv(name, "")  # as .env.example leaves them
    settings = load_settings(env_file=None)
    assert settings.webhook_url is None and settings.telegram_api_base_url is None
    assert settings.corpus_dir == DEFAULT_CORPUS and settings.log_level == "INFO"
    assert settings.index_cache() == default_cache_dir([DEFAULT_CORPUS])


def test_log_levels_are_read_in_any_case_and_only_those(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", " debug ")
    assert load_settings(env_file=None).log_level == "DEBUG"
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(SettingsError, match="LOG_LEVEL: Input should be 'DEBUG'"):
        load_settings(env_file=None)


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("WEBHOOK_URL", "http://example.org/hook", "only to https:// URLs"),
        ("WEBHOOK_URL", "https://example.org:8080/hook", "only to ports 443, 80, 88 or 8443"),
        ("WEBHOOK_URL", "example.org/hook", "valid URL"),
        (
            "TELEGRAM_API_BASE_URL",
            "ftp://127.0.0.1:8081",
            "URL scheme should be 'http' or 'https'",
        ),
    ],
)
def test_urls_are_checked(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable) as error:
        load_settings(env_file=None)
    assert problem in str(error.value)


def test_good_urls_are_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org:8443/hook")
    monkeypatch.setenv("INDEX_DIR", str(tmp_path))
    settings = load_settings(env_file=None)
    assert str(settings.webhook_url) == "https://bot.example.org:8443/hook"
    assert settings.index_cache() == tmp_path.resolve()
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081")  # any port, plain http
    monkeypatch.setenv("WEBHOOK_URL", "http://127.0.0.1:9000/hook")
    assert load_settings(env_file=None).telegram_api_base_url is not None
