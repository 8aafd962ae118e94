"""The pictures Pinbridge keeps: both stores, the secret, /media/<key>, housekeeping, and pages' pictures.

The S3 store is tested against a real S3-compatible HTTP server (moto's, started here on a
free port and stopped after), through boto3 as production uses it.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask, Response
from PIL import Image
from sqlalchemy import select

from bridge.config import Config, MediaConfig, SandboxConfig
from bridge.media import FolderStore, Pictures, S3Store
from bridge.sandbox.serving import serve
from bridge.unfurler import PageFetcher, Unfurler
from core import pictures as picture_rules
from core import views
from core.clock import utcnow
from core.db import transaction
from core.errors import InvalidInput
from core.models import Picture, Pin
from tests.factories import say, slack_user


def photo(color=(30, 120, 200), size=(320, 200), kind="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


@pytest.fixture
def folder_pictures(sessions, tmp_path):
    return Pictures(sessions, FolderStore(tmp_path / "media"))


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_store(s3_server, monkeypatch, request):
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    bucket = f"pins-{abs(hash(request.node.name)) % 10**8}"
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=bucket)
    return S3Store(bucket, endpoint_url=s3_server, region="us-east-1")


# The stores -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "s3"])
def test_a_store_keeps_a_picture_under_its_key_and_forgets_it(kind, tmp_path, request):
    store = FolderStore(tmp_path) if kind == "folder" else request.getfixturevalue("s3_store")
    key = picture_rules.key_of(b"k" * 32, b"bytes")
    assert store.get(key) is None
    store.put(key, b"bytes", "image/jpeg")
    store.put(key, b"bytes", "image/jpeg")  # idempotent
    assert store.get(key) == (b"bytes", "image/jpeg")
    store.delete(key)
    assert store.get(key) is None
    store.delete(key)  # deleting what is gone is fine


@pytest.mark.parametrize("kind", ["folder", "s3"])
def test_a_store_never_builds_a_name_from_anything_but_a_key(kind, tmp_path, request):
    store = FolderStore(tmp_path / "media") if kind == "folder" else request.getfixturevalue("s3_store")
    (tmp_path / "secret.txt").write_text("do not serve")
    for bad in ("../secret.txt", "..%2fsecret.txt", "/etc/passwd", "A" * 64, ""):
        assert store.get(bad) is None
        with pytest.raises(ValueError):
            store.put(bad, b"x", "image/jpeg")
    with pytest.raises(ValueError):
        store.put("a" * 64, b"<svg/>", "image/svg+xml")  # only JPEG and PNG are ever written


def test_the_folder_store_writes_whole_files_only(tmp_path, monkeypatch):
    store = FolderStore(tmp_path)
    key = "b" * 64

    def broken_replace(*_):
        raise OSError("disk full")

    monkeypatch.setattr("bridge.media.os.replace", broken_replace)
    with pytest.raises(OSError):
        store.put(key, b"data", "image/png")
    assert store.get(key) is None and not [p for p in tmp_path.rglob("*") if p.is_file()], "no partial file left"


# Keeping -------------------------------------------------------------------------------


def test_the_same_picture_is_kept_once_and_its_name_depends_on_the_deployments_secret(sessions, tmp_path):
    first = Pictures(sessions, FolderStore(tmp_path / "a"))
    again = first.keep(photo()), first.keep(photo())
    assert again[0].key == again[1].key and (again[0].width, again[0].height, again[0].mime) == (320, 200, "image/jpeg")
    assert len(list((tmp_path / "a").rglob("*.jpg"))) == 1
    with transaction(sessions) as session:
        assert len(session.scalars(select(Picture)).all()) == 1
    # Another process of the same deployment reads the same secret from the database.
    assert Pictures(sessions, FolderStore(tmp_path / "a")).keep(photo()).key == again[0].key
    # A deployment with its own secret names the same picture differently: names cannot be guessed from content.
    other = Pictures(sessions, FolderStore(tmp_path / "b"), secret="another-secret-of-ours")
    assert other.keep(photo()).key != again[0].key


def test_what_is_not_a_picture_is_refused_and_nothing_is_stored(folder_pictures, sessions, tmp_path):
    with pytest.raises(InvalidInput):
        folder_pictures.keep(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with transaction(sessions) as session:
        assert session.scalars(select(Picture)).all() == []
    assert not list(tmp_path.rglob("*.jpg"))


def test_the_s3_store_is_chosen_by_config_and_keeps_pictures_there(sessions, s3_store):
    config = MediaConfig(store="s3", s3_bucket=s3_store.bucket, s3_endpoint_url=s3_store.client.meta.endpoint_url,
                         s3_region="us-east-1", secret="a-secret-of-sixteen+")
    kept = Pictures.for_config(config, sessions)
    assert isinstance(kept.store, S3Store)
    picture = kept.keep(photo(kind="PNG"))
    assert s3_store.get(picture.key) == kept.get(picture.key)
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key="media/" + picture.key)
    assert head["ContentType"] == "image/jpeg" and "immutable" in head["CacheControl"]


# Housekeeping --------------------------------------------------------------------------


def test_housekeeping_removes_pictures_no_pin_uses_after_the_grace_period(engine, sessions, folder_pictures):
    used, unused, recent = (folder_pictures.keep(photo(color)) for color in ((1, 1, 1), (90, 90, 90), (200, 9, 9)))
    say(engine, slack_user("alice"), "new https://example.com/a A")
    with transaction(sessions) as session:
        session.scalar(select(Pin)).picture_key = used.key
        for key in (used.key, unused.key):
            session.get(Picture, key).used_at = utcnow() - timedelta(hours=25)
    assert folder_pictures.sweep() == 1
    assert folder_pictures.get(unused.key) is None
    assert folder_pictures.get(used.key) is not None, "a pin uses it"
    assert folder_pictures.get(recent.key) is not None, "still within the grace period"
    with transaction(sessions) as session:
        assert sorted(session.scalars(select(Picture.key))) == sorted([used.key, recent.key])


def test_keeping_a_picture_again_moves_it_out_of_housekeepings_reach(sessions, folder_pictures):
    picture = folder_pictures.keep(photo())
    with transaction(sessions) as session:
        session.get(Picture, picture.key).used_at = utcnow() - timedelta(days=3)
    folder_pictures.keep(photo())  # someone shares the same picture again
    assert folder_pictures.sweep() == 0 and folder_pictures.get(picture.key) is not None


def test_housekeeping_goes_on_when_the_store_fails_to_delete(sessions, folder_pictures, monkeypatch, caplog):
    picture = folder_pictures.keep(photo())
    with transaction(sessions) as session:
        session.get(Picture, picture.key).used_at = utcnow() - timedelta(days=2)
    monkeypatch.setattr(folder_pictures.store, "delete", lambda key: (_ for _ in ()).throw(OSError("read-only")))
    assert folder_pictures.sweep() == 1  # the row is gone: nothing will ever name the orphaned bytes
    assert "could not delete picture" in caplog.text


# Serving -------------------------------------------------------------------------------


@pytest.fixture
def web(sessions, tmp_path):
    from bridge.app import create_app
    from bridge.wiring import build

    config = Config(database_url=f"sqlite:///{tmp_path}/web.db", sandbox=SandboxConfig(enabled=False),
                    media=MediaConfig(folder=str(tmp_path / "media")))
    services = build(config, platforms=False)
    try:
        yield services, create_app(config, services).test_client()
    finally:
        services.close()


def test_media_serves_a_kept_picture_immutably_with_its_own_type(web):
    services, client = web
    picture = services.pictures.keep(photo(kind="PNG"))
    response = client.get(f"/media/{picture.key}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.data)).size == (320, 200)
    again = client.get(f"/media/{picture.key}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/media/" + "0" * 64, "/media/..%2F..%2Fpinbridge.db", "/media/abc",
                                  "/media/" + "A" * 64])
def test_media_answers_404_for_anything_it_does_not_hold(web, path):
    assert web[1].get(path).status_code == 404


# A page's picture ----------------------------------------------------------------------


@pytest.fixture
def site():
    app = Flask(__name__)
    page = ('<html><head><meta property="og:title" content="Blue Tent">'
            '<meta property="og:image" content="{image}"></head></html>')
    app.add_url_rule("/tent", "tent", lambda: page.format(image="/tent.jpg"))
    app.add_url_rule("/tent.jpg", "tent_jpg", lambda: Response(photo(size=(3000, 2000)), mimetype="image/jpeg"))
    app.add_url_rule("/broken", "broken", lambda: page.format(image="/broken.jpg"))
    app.add_url_rule("/broken.jpg", "broken_jpg", lambda: Response(photo()[:200], mimetype="image/jpeg"))
    app.add_url_rule("/big", "big", lambda: page.format(image="/big.jpg"))
    app.add_url_rule("/big.jpg", "big_jpg", lambda: Response(b"\xff\xd8\xff" + b"\0" * 70_000, mimetype="image/jpeg"))
    with serve(app) as served:
        yield served.url


def test_a_pages_picture_is_fetched_once_kept_and_shown_from_media(engine, sessions, folder_pictures, site, settings):
    alice = slack_user("alice")
    say(engine, alice, f"new {site}/tent")
    Unfurler(sessions, PageFetcher(allow_private=True), pictures=folder_pictures).run_once()
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert pin.image_url == f"{site}/tent.jpg", "the source stays known"
        kept = session.get(Picture, pin.picture_key)
        assert (kept.width, kept.height, pin.picture_type) == (2048, 1365, "image/jpeg")
        card = views.pin_card(settings, pin)  # what both platforms and the pages show
    assert card.image_url == settings.page_url(f"/media/{kept.key}") and card.image_type == "image/jpeg"


@pytest.mark.parametrize("path", ["/broken", "/big"])
def test_a_picture_that_is_damaged_or_too_large_is_not_kept(engine, sessions, folder_pictures, site, path):
    say(engine, slack_user("alice"), f"new {site}{path}")
    Unfurler(sessions, PageFetcher(allow_private=True), pictures=folder_pictures, max_picture_bytes=65_536).run_once()
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert pin.title == "Blue Tent" and pin.picture_key is None
        assert session.scalars(select(Picture)).all() == []


def test_housekeeping_racing_a_new_use_of_the_same_picture_never_leaves_a_row_without_bytes(sessions, folder_pictures):
    import threading

    old = folder_pictures.keep(photo())
    with transaction(sessions) as session:
        session.get(Picture, old.key).used_at = utcnow() - timedelta(days=2)  # idle and unused: sweepable
    store, real_put, swept = folder_pictures.store, folder_pictures.store.put, []

    def put_while_housekeeping_runs(key, data, mime):
        real_put(key, data, mime)  # the bytes are there (they were already)…
        sweeper = threading.Thread(target=lambda: swept.append(folder_pictures.sweep()))
        sweeper.start()  # …and another process's housekeeping runs before this use commits
        sweeper.join(0.5)
        put_while_housekeeping_runs.sweeper = sweeper

    store.put = put_while_housekeeping_runs
    try:
        kept = folder_pictures.keep(photo())  # the same picture shared again
    finally:
        store.put = real_put
    put_while_housekeeping_runs.sweeper.join(30)
    with transaction(sessions) as session:
        row = session.get(Picture, kept.key)
    assert row is not None and folder_pictures.get(kept.key) is not None, (swept, row)


def test_a_page_image_too_slow_for_its_deadline_costs_the_picture_not_the_card(engine, sessions, folder_pictures):
    import time

    data = photo(size=(800, 600))
    app = Flask(__name__)
    app.add_url_rule("/tent", "tent", lambda: '<html><head><meta property="og:title" content="Blue Tent">'
                                              '<meta property="og:image" content="/slow.jpg"></head></html>')

    def slow():
        def body():
            for i in range(0, len(data), 256):
                yield data[i:i + 256]
                time.sleep(0.05)  # a trickle: every gap far under the timeout, the whole far past the deadline
        return Response(body(), mimetype="image/jpeg")

    app.add_url_rule("/slow.jpg", "slow", slow)
    with serve(app) as served:
        say(engine, slack_user("alice"), f"new {served.url}/tent")
        Unfurler(sessions, PageFetcher(allow_private=True, timeout=1.0, deadline=1.5), pictures=folder_pictures).run_once()
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert (pin.title, pin.unfurl_state, pin.picture_key) == ("Blue Tent", "done", None)


def test_a_store_that_fails_costs_the_picture_not_the_card(engine, sessions, folder_pictures, site, monkeypatch):
    say(engine, slack_user("alice"), f"new {site}/tent")
    monkeypatch.setattr(folder_pictures.store, "put", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    Unfurler(sessions, PageFetcher(allow_private=True), pictures=folder_pictures).run_once()
    with transaction(sessions) as session:
        pin = session.scalar(select(Pin))
        assert (pin.title, pin.picture_key) == ("Blue Tent", None)
        assert session.scalars(select(Picture)).all() == [], "the row went with the failed transaction"


def test_a_pin_with_its_own_picture_never_fetches_its_pages(engine, sessions, folder_pictures, site):
    alice = slack_user("alice")
    kept = folder_pictures.keep(photo(color=(200, 10, 10)))
    assert engine.pin_picture(alice, kept.key, kept.mime, "My photo", f"{site}/tent", (kept.width, kept.height)).ok
    Unfurler(sessions, PageFetcher(allow_private=True), pictures=folder_pictures).run_once()
    with transaction(sessions) as session:
        assert session.scalar(select(Pin.title)) == "My photo"
        assert [p.key for p in session.scalars(select(Picture))] == [kept.key]


def test_picture_files_are_readable_by_a_web_role_running_as_another_user(sessions, tmp_path):
    import stat

    kept = Pictures(sessions, FolderStore(tmp_path / "media")).keep(photo())
    [path] = (tmp_path / "media").rglob("*.jpg")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644 and kept.key in path.name


def test_a_repeat_request_is_answered_304_without_reading_the_store(web, monkeypatch):
    services, client = web
    picture = services.pictures.keep(photo())
    monkeypatch.setattr(services.pictures.store, "get", lambda key: (_ for _ in ()).throw(AssertionError("read")))
    again = client.get(f"/media/{picture.key}", headers={"If-None-Match": f'"{picture.key}"'})
    assert again.status_code == 304 and "Content-Type" not in again.headers


def test_the_s3_store_reads_access_denied_as_missing(s3_store, monkeypatch):
    from botocore.exceptions import ClientError

    def denied(**_):
        raise ClientError({"Error": {"Code": "AccessDenied"}, "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetObject")

    monkeypatch.setattr(s3_store.client, "get_object", denied)
    assert s3_store.get("c" * 64) is None
