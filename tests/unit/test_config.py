"""The county's ``config.toml``: the real file's content, environment overrides, and
broken copies refused with a message naming the file and the dotted key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from config_text import REAL_TEXT, broken
from domain_builders import ROOT

from deliberation.config import BODY_KINDS, Settings, load_settings
from deliberation.domain.errors import ConfigError

REAL_CONFIG = ROOT / "config.toml"

MUNICIPALITIES = [
    "Stadt Peine",
    "Edemissen",
    "Hohenhameln",
    "Ilsede",
    "Lengede",
    "Vechelde",
    "Wendeburg",
]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(REAL_CONFIG, environ={})


def _body(settings: Settings, name_start: str) -> Any:
    matches = [b for b in settings.bodies if b.name.startswith(name_start)]
    assert len(matches) == 1, [b.name for b in settings.bodies]
    return matches[0]


def test_invitation_links_and_consent_periods_come_from_the_config(settings: Settings) -> None:
    invitations = settings.invitations
    assert invitations.base_url == "http://localhost:8000"
    assert invitations.secret_env == "DELIBERATION_LINK_SECRET"
    assert invitations.secret_file == ROOT / "data" / "link-secret"
    assert (invitations.confirm_valid_days, invitations.remove_unconfirmed_after_days) == (7, 30)


def test_the_web_application_takes_address_sessions_and_lockout_from_the_config(
    settings: Settings,
) -> None:
    web = settings.web
    assert web.base_url == "http://localhost:8000"
    assert (web.session_hours, web.login_attempts, web.lockout_minutes) == (8, 5, 15)
    assert web.secret_env == "DELIBERATION_WEB_SECRET"
    assert web.secret_file == ROOT / "data" / "web-secret"


def test_county_is_landkreis_peine_in_german_and_berlin_time(settings: Settings) -> None:
    assert settings.county.name == "Landkreis Peine"
    assert settings.county.organiser == "Referat für Migration und Teilhabe"
    assert (settings.county.language, settings.county.timezone) == ("de", "Europe/Berlin")
    assert settings.source == f"{ROOT.name}/config.toml"


def test_the_seven_municipalities_are_configured_by_exact_name(settings: Settings) -> None:
    assert [m.name for m in settings.municipalities] == MUNICIPALITIES
    assert len({m.key for m in settings.municipalities}) == 7


@pytest.mark.parametrize("wanted", ["stadt-peine", "Stadt Peine", "STADT PEINE"])
def test_a_municipality_is_found_by_key_or_name(settings: Settings, wanted: str) -> None:
    assert settings.municipality(wanted).name == "Stadt Peine"


def test_an_unknown_municipality_is_refused_listing_the_known(settings: Settings) -> None:
    with pytest.raises(ConfigError, match='Gemeinde "Braunschweig" ist nicht konfiguriert') as e:
        settings.municipality("Braunschweig")
    assert "wendeburg" in str(e.value)


@pytest.mark.parametrize(
    ("name_start", "kind", "public"),
    [
        ("Kreistag", "council", True),
        ("Kreisausschuss", "executive", False),
        ("Kommission Migration und Teilhabe", "commission", True),
        ("Koordinierungsstab Migration und Teilhabe", "coordination", False),
        ("Planungsteam", "team", False),
    ],
)
def test_the_standing_bodies_are_configured(
    settings: Settings, name_start: str, kind: str, public: bool
) -> None:
    body = _body(settings, name_start)
    assert (body.kind, body.public) == (kind, public)
    assert body.every_months >= 1
    assert body.notice_days >= 1


def test_there_is_at_least_one_committee(settings: Settings) -> None:
    assert [b for b in settings.bodies if b.kind == "committee"]


def test_cadences_follow_the_concept(settings: Settings) -> None:
    # Kommission about three times a year, Koordinierungsstab twice a year
    assert _body(settings, "Kommission").every_months == 4
    assert _body(settings, "Koordinierungsstab").every_months == 6
    assert _body(settings, "Kreistag").notice_days == 7


def test_every_body_has_a_known_kind_cadence_and_notice_period(settings: Settings) -> None:
    assert len(settings.bodies) >= 6
    for body in settings.bodies:
        assert body.kind in BODY_KINDS
        assert isinstance(body.every_months, int) and body.every_months >= 1
        assert isinstance(body.notice_days, int) and body.notice_days >= 0


def test_standing_topic_fields_include_the_concepts_fields(settings: Settings) -> None:
    assert {"Arbeit", "Bildung", "Sicherheit", "Wohnen", "Sprache", "Gesundheit"} <= set(
        settings.topic_fields
    )


def test_default_database_is_an_sqlite_file_in_data_beside_the_config(settings: Settings) -> None:
    assert settings.database_url == f"sqlite:///{ROOT / 'data' / 'deliberation.sqlite3'}"


def test_paths_are_relative_to_the_config_file(settings: Settings) -> None:
    assert settings.workflows_dir == ROOT / "workflows"
    assert settings.templates_dir == ROOT / "templates"


def test_smtp_defaults_to_the_local_mail_sink_without_password(settings: Settings) -> None:
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.security) == (
        "localhost",
        8025,
        "none",
    )
    assert settings.smtp.password == ""
    assert "@" in settings.smtp.sender


def test_environment_overrides_the_database_url() -> None:
    url = "postgresql+psycopg://deliberation@dbhost/deliberation"
    loaded = load_settings(REAL_CONFIG, environ={"DELIBERATION_DATABASE_URL": url})
    assert loaded.database_url == url


def test_relative_sqlite_url_from_the_environment_is_relative_to_the_config() -> None:
    loaded = load_settings(
        REAL_CONFIG, environ={"DELIBERATION_DATABASE_URL": "sqlite:///probe/test.db"}
    )
    assert loaded.database_url == f"sqlite:///{ROOT / 'probe' / 'test.db'}"


def test_empty_environment_variable_keeps_the_configured_url() -> None:
    loaded = load_settings(REAL_CONFIG, environ={"DELIBERATION_DATABASE_URL": ""})
    assert loaded.database_url.endswith("/data/deliberation.sqlite3")


def test_environment_fills_the_smtp_password() -> None:
    loaded = load_settings(REAL_CONFIG, environ={"DELIBERATION_SMTP_PASSWORD": "geheim"})
    assert loaded.smtp.password == "geheim"


def test_the_names_of_the_environment_variables_are_configurable(tmp_path: Path) -> None:
    text = REAL_TEXT.replace(
        'url_env = "DELIBERATION_DATABASE_URL"', 'url_env = "PEINE_DB"'
    ).replace('password_env = "DELIBERATION_SMTP_PASSWORD"', 'password_env = "PEINE_SMTP"')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_settings(
        path,
        environ={
            "PEINE_DB": "sqlite:///:memory:",
            "PEINE_SMTP": "pw",
            "DELIBERATION_DATABASE_URL": "postgresql://ignored",
        },
    )
    assert loaded.database_url == "sqlite:///:memory:"
    assert loaded.smtp.password == "pw"


def test_a_copy_of_the_config_uses_its_own_folder(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(REAL_TEXT, encoding="utf-8")
    loaded = load_settings(path, environ={})
    assert loaded.database_url == f"sqlite:///{tmp_path.resolve() / 'data/deliberation.sqlite3'}"
    assert loaded.source == f"{tmp_path.name}/config.toml"


# --- broken copies -----------------------------------------------------------------------


def _without_municipalities() -> str:
    text, removed = re.subn(
        r'\[\[municipalities\]\]\nkey = "[^"]*"\nname = "[^"]*"\n(venue = "[^"]*"\n)?',
        "",
        REAL_TEXT,
    )
    assert removed == 7
    return text


KREISAUSSCHUSS = 'kind = "executive"\nevery_months = 1\nnotice_days = 7\npublic = false\n'

BROKEN_CONFIGS: list[Any] = [
    pytest.param(
        broken('[county]\nname = "Landkreis Peine"\n', "[county]\n"),
        ['"county.name"', "fehlt"],
        id="missing-county-name",
    ),
    pytest.param(
        broken("[smtp]", "[smtp_old]"),
        ['"smtp_old"', "unbekannter Schlüssel"],
        id="unknown-top-level-table",
    ),
    pytest.param(
        broken(KREISAUSSCHUSS, KREISAUSSCHUSS.replace("notice_days = 7", 'notice_days = "sieben"')),
        ['"bodies[2].notice_days"', "muss eine ganze Zahl sein", "'sieben'"],
        id="notice-days-not-a-number",
    ),
    pytest.param(
        broken(KREISAUSSCHUSS, KREISAUSSCHUSS.replace("notice_days = 7", "notice_days = -1")),
        ['"bodies[2].notice_days"', "mindestens 0"],
        id="negative-notice-days",
    ),
    pytest.param(
        broken(KREISAUSSCHUSS, KREISAUSSCHUSS.replace("every_months = 1", "every_months = 0")),
        ['"bodies[2].every_months"', "mindestens 1"],
        id="zero-cadence",
    ),
    pytest.param(
        broken(KREISAUSSCHUSS, KREISAUSSCHUSS.replace("public = false", 'public = "nein"')),
        ['"bodies[2].public"', "true oder false"],
        id="public-not-a-flag",
    ),
    pytest.param(
        broken(KREISAUSSCHUSS, KREISAUSSCHUSS + "ladungsfrist = 7\n"),
        ['"bodies[2].ladungsfrist"', "unbekannter Schlüssel", "notice_days"],
        id="unknown-key-in-body",
    ),
    pytest.param(
        broken('sender = "', 'passwort = "geheim"\nsender = "'),
        ['"smtp.passwort"', "unbekannter Schlüssel"],
        id="unknown-key-in-smtp",
    ),
    pytest.param(
        broken('kind = "council"', 'kind = "parliament"'),
        ['"bodies[1].kind"', '"parliament" ist unbekannt', "council, executive"],
        id="unknown-body-kind",
    ),
    pytest.param(
        broken("port = 8025", "port = 70000"),
        ['"smtp.port"', "70000 ist kein gültiger Port"],
        id="port-too-large",
    ),
    pytest.param(
        broken("port = 8025", "port = 0"),
        ['"smtp.port"', "mindestens 1"],
        id="port-zero",
    ),
    pytest.param(
        broken("port = 8025", 'port = "8025"'),
        ['"smtp.port"', "ganze Zahl"],
        id="port-as-text",
    ),
    pytest.param(
        broken('security = "none"', 'security = "ssl"'),
        ['"smtp.security"', '"ssl" ist unbekannt'],
        id="unknown-smtp-security",
    ),
    pytest.param(
        broken('sender = "migration-teilhabe@landkreis-peine.de"', 'sender = "referat"'),
        ['"smtp.sender"', "keine E-Mail-Adresse"],
        id="sender-without-at",
    ),
    pytest.param(
        broken('key = "wendeburg"', 'key = "edemissen"'),
        ['"municipalities"', 'der Schlüssel "edemissen" kommt doppelt vor'],
        id="duplicate-municipality-key",
    ),
    pytest.param(
        broken('key = "kreisausschuss"', 'key = "kreistag"'),
        ['"bodies"', 'der Schlüssel "kreistag" kommt doppelt vor'],
        id="duplicate-body-key",
    ),
    pytest.param(
        broken('key = "stadt-peine"', 'key = "Stadt Peine"'),
        ['"municipalities[1].key"', "darf nur a-z"],
        id="municipality-key-not-a-slug",
    ),
    pytest.param(
        broken('url = "sqlite:///data/deliberation.sqlite3"', 'url = "data/deliberation.sqlite3"'),
        ['"database.url"', "keine Datenbank-URL"],
        id="database-url-without-scheme",
    ),
    pytest.param(
        broken('topic_fields = ["Arbeit"', 'topic_fields = [1, "Arbeit"'),
        ['"process.topic_fields"', "nicht leere Texte"],
        id="topic-field-not-a-text",
    ),
    pytest.param(
        _without_municipalities(),
        ['"municipalities"', "fehlt"],
        id="no-municipalities",
    ),
    pytest.param(
        broken(
            'unter dieser Adresse.\nbase_url = "http://localhost:8000"',
            'unter dieser Adresse.\nbase_url = "beteiligung.example.de"',
        ),
        ['"invitations.base_url"', "keine Web-Adresse"],
        id="invitation-links-without-scheme",
    ),
    pytest.param(
        broken('base_url = "http://localhost:8000"   #', 'base_url = "localhost:8000"   #'),
        ['"web.base_url"', "keine Web-Adresse"],
        id="web-address-without-scheme",
    ),
    pytest.param(
        broken("session_hours = 8 ", "session_hours = 0 "),
        ['"web.session_hours"'],
        id="session-of-no-hours",
    ),
    pytest.param(
        broken("session_hours = 8 ", "session_hours = 9999 "),
        ['"web.session_hours"', "höchstens 720"],
        id="session-too-long",
    ),
    pytest.param(
        broken("confirm_valid_days = 7", "confirm_valid_days = 0"),
        ['"invitations.confirm_valid_days"'],
        id="confirmation-link-valid-zero-days",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN_CONFIGS)
def test_broken_config_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    message = str(caught.value)
    assert message.startswith(f"{tmp_path.name}/config.toml:"), message
    for part in expected:
        assert part in message, message


def test_invalid_toml_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    text = broken('name = "Landkreis Peine"', 'name = "Landkreis Peine')
    line = text.splitlines().index('name = "Landkreis Peine') + 1
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    message = str(caught.value)
    assert message.startswith(f"{tmp_path.name}/config.toml: kein gültiges TOML")
    assert f"line {line}," in message


def test_a_missing_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config\.toml: Datei nicht gefunden"):
        load_settings(tmp_path / "config.toml", environ={})
