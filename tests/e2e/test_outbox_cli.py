"""End-to-end: ``deliberation outbox send`` and ``outbox status`` against the local mail sink."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli_helpers import CONFIG, REPO

from deliberation.adapters.mailsink import MailSink
from deliberation.bootstrap import bootstrap
from deliberation.domain.outbox import compose
from deliberation.entrypoints.cli.main import main
from deliberation.service_layer import outbox


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config_for_port(folder: Path, port: int) -> Path:
    text = CONFIG.read_text(encoding="utf-8")
    replacements = {
        "port = 8025": f"port = {port}",
        'host = "localhost"': 'host = "127.0.0.1"',
        'workflows = "workflows"': f'workflows = "{REPO / "workflows"}"',
        'templates = "templates"': f'templates = "{REPO / "templates"}"',
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> str:
    code = main(["--config", str(config), *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_outbox_send_delivers_to_the_mail_sink_and_status_counts_them(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    config = _config_for_port(data_folder, port)
    _cli(capsys, config, "init")
    app = bootstrap(config)
    try:
        now = app.deps.clock()
        sender = app.settings.smtp.sender
        with app.deps.unit_of_work() as uow:
            for name in ("anna", "bernd"):
                message = compose(sender, f"{name}@example.org", "Einladung", "Hallo", now)
                outbox.enqueue(uow, message)
            uow.commit()
    finally:
        app.close()

    with MailSink(data_folder / "mails", port=port):
        out = _cli(capsys, config, "outbox", "send")

    assert "2 gesendet, 0 erneut versucht, 0 endgültig gescheitert" in out
    assert len(list((data_folder / "mails").glob("*.eml"))) == 2
    status = _cli(capsys, config, "outbox", "status")
    assert "gesendet" in status and "2" in status
    assert "Endgültig gescheitert" not in status
    assert "Keine endgültig gescheiterte Nachricht gefunden." in _cli(
        capsys, config, "outbox", "retry"
    )
