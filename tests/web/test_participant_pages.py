"""The directory pages over HTTP: search, add, edit (stale form), import with a preview,
consent and its proof, DSGVO export and deletion with a confirmation; roles and CSRF."""

from __future__ import annotations

import json

import httpx
from live_server import Site, StaffClient, csrf_of

from deliberation.service_layer import participants

CSV = (
    "Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien\n"
    "Anna Schmidt;anna@peine.de;Türkisch;Stadt Peine;Bürgerin;\n"
    "Kaputt;kein-at;fr;Hannover;;\n"
    "Jan <b>Becker</b>;jan@peine.de;;;Verwaltung;Kreistag\n"
)


def _person(site: Site, name: str = "Anna Schmidt", email: str = "anna@peine.de") -> int:
    return participants.add(site.app.deps, {"name": name, "email": email}).id


def _post(client: httpx.Client, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    return client.post(action, data={**data, "csrf_token": csrf_of(client.get(page).text)})


def test_the_directory_is_searched_and_escapes_names(site: Site, staff: StaffClient) -> None:
    _person(site, "Anna <script>Schmidt</script>")
    _person(site, "Jan Becker", "jan@peine.de")
    referat = staff("referat")

    found = referat.get("/participants", params={"suche": "anna"})

    assert found.status_code == 200
    assert "Anna &lt;script&gt;Schmidt&lt;/script&gt;" in found.text
    assert "<script>S" not in found.text
    assert "Jan Becker" not in found.text and "noch nicht erbeten" in found.text


def test_adding_a_person_with_errors_keeps_the_input_and_names_each_field(
    site: Site, staff: StaffClient
) -> None:
    referat = staff("referat")
    form = {
        "name": "Murat Çelik",
        "email": "kein-at",
        "language": "tr",
        "municipality": "",
        "roles": ["citizen", "association"],
    }

    refused = _post(referat, "/participants/new", "/participants/new", form)
    assert refused.status_code == 400
    assert "Die E-Mail-Adresse &#34;kein-at&#34; ist ungültig." in refused.text
    assert 'value="Murat Çelik"' in refused.text and 'value="kein-at"' in refused.text
    assert refused.text.count(" checked") == 2  # both roles stay ticked

    added = _post(
        referat, "/participants/new", "/participants/new", {**form, "email": "murat@example.org"}
    )
    assert added.status_code == 303
    page = referat.get(added.headers["location"])
    assert "Die Person ist aufgenommen." in page.text and "Verein/Verband" in page.text


def test_an_edit_on_a_stale_form_shows_the_conflict_and_keeps_what_was_typed(
    site: Site, staff: StaffClient
) -> None:
    person_id = _person(site)
    referat = staff("referat")
    form_page = referat.get(f"/participants/{person_id}/edit")
    token = csrf_of(form_page.text)
    participants.edit(site.app.deps, "anna@peine.de", {"name": "Anna Schmidt-Peters"})
    typed = {
        "name": "Anna S.",
        "email": "anna@peine.de",
        "language": "en",
        "municipality": "",
        "seen_name": "Anna Schmidt",
        "seen_email": "anna@peine.de",
        "seen_language": "de",
        "seen_municipality": "",
        "seen_roles": "",
        "seen_bodies": "",
        "csrf_token": token,
    }

    conflict = referat.post(f"/participants/{person_id}/edit", data=typed)

    assert conflict.status_code == 409
    assert "inzwischen geändert" in conflict.text and 'value="Anna S."' in conflict.text
    assert "Name: Anna Schmidt-Peters" in conflict.text
    saved = referat.post(
        f"/participants/{person_id}/edit",
        data={**typed, "csrf_token": csrf_of(conflict.text), "seen_name": "Anna Schmidt-Peters"},
    )
    assert saved.status_code == 303
    assert participants.get(site.app.deps, person_id).language == "en"


def test_import_previews_every_row_then_takes_over_all_valid_rows(
    site: Site, staff: StaffClient
) -> None:
    _person(site)
    referat = staff("referat")
    upload = referat.get("/participants/import")
    assert upload.status_code == 200

    preview = referat.post(
        "/participants/import/preview",
        data={"csrf_token": csrf_of(upload.text)},
        files={"datei": ("liste.csv", CSV.encode("utf-8"), "text/csv")},
    )
    assert preview.status_code == 200
    assert "1 neu, 1 zu aktualisieren, 0 unverändert, 1 abgewiesen" in preview.text
    assert "Sprache: Deutsch → Türkisch" in preview.text
    assert "Sprache: Die Sprache &#34;fr&#34; ist unbekannt" in preview.text
    assert "Die Gemeinde &#34;Hannover&#34; ist unbekannt." in preview.text
    assert "Jan &lt;b&gt;Becker&lt;/b&gt;" in preview.text
    assert len(participants.list_participants(site.app.deps)) == 1  # nothing written yet

    carried = preview.text.split('name="zeilen" value="')[1].split('"')[0]
    done = referat.post(
        "/participants/import",
        data={"zeilen": carried, "datei_name": "liste.csv", "csrf_token": csrf_of(preview.text)},
    )
    assert done.status_code == 200
    assert "Neu aufgenommen aus liste.csv: 1; aktualisiert: 1" in done.text
    assert len(participants.list_participants(site.app.deps)) == 2
    broken = referat.post(
        "/participants/import", data={"zeilen": "kaputt", "csrf_token": csrf_of(preview.text)}
    )
    assert broken.status_code == 400 and "unvollständig" in broken.text


def test_an_unreadable_upload_is_a_german_error_at_the_field(staff: StaffClient) -> None:
    referat = staff("referat")
    upload = referat.get("/participants/import")
    refused = referat.post(
        "/participants/import/preview",
        data={"csrf_token": csrf_of(upload.text)},
        files={"datei": ("liste.csv", b"Name;Telefon\nAnna;0511\n", "text/csv")},
    )
    assert refused.status_code == 400 and "Spalte E-Mail fehlt in der ersten Zeile" in refused.text
    assert 'href="#datei"' in refused.text


def test_export_downloads_the_data_and_delete_asks_first(site: Site, staff: StaffClient) -> None:
    person_id = _person(site)
    referat = staff("referat")

    exported = referat.get(f"/participants/{person_id}/export")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment;")
    assert json.loads(exported.content)["email"] == "anna@peine.de"

    ask = referat.get(f"/participants/{person_id}/delete")
    assert ask.status_code == 200 and "lässt sich nicht rückgängig machen" in ask.text
    unconfirmed = referat.post(
        f"/participants/{person_id}/delete", data={"csrf_token": csrf_of(ask.text)}
    )
    assert unconfirmed.status_code == 400 and "Bitte bestätigen Sie" in unconfirmed.text
    assert participants.get(site.app.deps, person_id).name == "Anna Schmidt"
    deleted = referat.post(
        f"/participants/{person_id}/delete",
        data={"bestaetigt": "ja", "csrf_token": csrf_of(ask.text)},
    )
    assert deleted.status_code == 303 and "Anna" not in deleted.headers["location"]
    assert referat.get(f"/participants/{person_id}").status_code == 404


def test_only_the_referat_keeps_the_directory(site: Site, staff: StaffClient) -> None:
    person_id = _person(site)
    secretary = staff("geschaeftsstelle")
    for path in (
        "/participants",
        f"/participants/{person_id}",
        "/participants/import",
        f"/participants/{person_id}/export",
    ):
        refused = secretary.get(path)
        assert refused.status_code == 403 and "Personen" in refused.text, path


def test_a_deletion_without_the_forms_token_is_refused(site: Site, staff: StaffClient) -> None:
    person_id = _person(site)
    refused = staff("referat").post(f"/participants/{person_id}/delete", data={"bestaetigt": "ja"})
    assert refused.status_code == 403
    assert participants.get(site.app.deps, person_id).email == "anna@peine.de"
