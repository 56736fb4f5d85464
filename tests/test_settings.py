"""Settings come from the environment: defaults for a laptop, switches for production engines."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from intranet.env import env_bool, env_list, env_str

PRODUCTION_ENV = {
    "INTRANET_ENV": "production",
    "SECRET_KEY": "production-secret-" + "k3y!" * 16,
    "ALLOWED_HOSTS": "intranet.federation.example",
}


def run_python(code: str, **environment) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "INTRANET_ENV",
            "INTRANET_VAR_DIR",
            "SECRET_KEY",
            "SECRET_KEY_FILE",
            "DB_POOL_SIZE",
        }
    }
    env.update(environment)
    env["DJANGO_SETTINGS_MODULE"] = "intranet.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def settings_as_seen_with(**environment) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'layer': s.CHANNEL_LAYERS['default']['BACKEND'],"
        " 'layer_config': s.CHANNEL_LAYERS['default'].get('CONFIG'), 'debug': s.DEBUG, 'email': s.EMAIL_BACKEND,"
        " 'media': str(s.MEDIA_ROOT), 'index': str(s.SEARCH_INDEX_DIR), 'secret': s.SECRET_KEY}))"
    )
    result = run_python(code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_run_with_nothing_installed():
    seen = settings_as_seen_with()
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["layer"] == "realtime.layers.ThrottledInMemoryChannelLayer"
    assert seen["debug"] is False  # the site's own error pages; DEBUG=true for Django's
    assert seen["email"] == "django.core.mail.backends.console.EmailBackend"
    assert seen["media"].endswith("var/media")
    assert seen["index"].endswith("var/index")


def test_a_mail_server_in_the_environment_switches_email_to_smtp():
    seen = settings_as_seen_with(EMAIL_HOST="smtp.example.org")
    assert seen["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_database_url_and_redis_url_switch_engines():
    seen = settings_as_seen_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", REDIS_URL="redis://127.0.0.1:6379/3"
    )
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    host = seen["layer_config"]["hosts"][0]
    assert host["address"] == "redis://127.0.0.1:6379/3"
    assert host["max_connections"] >= 1000


def test_a_pool_size_gives_postgresql_a_checked_pool_of_that_size():
    """Built as a web process builds it at its first request (the pool is not opened here, so no
    server is needed): sized by DB_POOL_SIZE, with a check of each connection handed out."""
    code = (
        "import django; django.setup(); from django.db import connection; pool = connection.pool; "
        "print(pool.min_size, pool.max_size, pool._check is not None)"
    )
    result = run_python(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", DB_POOL_SIZE="6")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "6", "True"]


def test_a_web_process_pools_one_connection_per_page_thread_by_default():
    """``make run`` and the benchmarks on PostgreSQL set no DB_POOL_SIZE: the web process (the ASGI
    application) keeps its connections all the same; a management command (the worker) keeps none."""
    web = "import intranet.asgi; from django.db import connection; print(connection.pool.max_size)"
    result = run_python(web, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test", HTTP_THREADS="5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5"]
    command = "import django; django.setup(); from django.db import connection; print(connection.pool)"
    result = run_python(command, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None"]


def test_secret_key_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-" + "x" * 60 + "\n")
    environment = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    seen = settings_as_seen_with(**environment, SECRET_KEY_FILE=str(secret_file))
    assert seen["secret"] == "from-a-file-" + "x" * 60


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import django; django.setup()", INTRANET_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_mode_passes_the_deploy_check_with_zero_findings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_environment_readers(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_FLAG", "yes")
    monkeypatch.setenv("SOME_LIST", "a, b,,c")
    (tmp_path / "value").write_text("from file\n")
    monkeypatch.setenv("SOME_VALUE_FILE", str(tmp_path / "value"))
    assert env_bool("SOME_FLAG", False) is True
    assert env_list("SOME_LIST", []) == ["a", "b", "c"]
    assert env_str("SOME_VALUE") == "from file"
    monkeypatch.setenv("SOME_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)
