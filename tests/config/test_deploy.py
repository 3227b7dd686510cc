"""Production settings pass Django's deployment checklist; development refuses to start without a key."""

import os
import subprocess
import sys

PRODUCTION_ENV = {
    "SECRET_KEY": "k7#Qz9!vR2mX8pL4wN6tY1bC3dF5gH7jK9lM0nP2qS4uV6xZ8aE-production-only",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "pst.example.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://pst.example.go.id",
}


def _terpadu(*args: str, env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "terpadu.config.settings"
    return subprocess.run(
        [sys.executable, "-m", "terpadu.manage", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_values():
    result = _terpadu("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    result = _terpadu("check", env_overrides={"DEBUG": "0", "ALLOWED_HOSTS": "pst.example.go.id"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
