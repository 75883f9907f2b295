"""The frame: navigation, the shared sidebar, the hosted warning and the password gate."""

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from core import ratelimit
from core.db import forget_migrated, open_db
from core.people import add_person
from tests.conftest import APP

DEMO_NAMES = ("Jordan Blake", "Ama Owusu")


@pytest.fixture(autouse=True)
def fresh_sign_in_bucket(monkeypatch):
    """The sign-in's tries are shared by the whole process: each test starts with a full bucket on a fake clock."""
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.SIGN_IN, "clock", lambda: clock[0])
    ratelimit.SIGN_IN.reset()
    yield clock
    ratelimit.SIGN_IN.reset()


def rendered_text(at) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "success",
                 "error", "metric", "button", "text_input"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + " " + str(getattr(el, "label", "")))
    for el in at.sidebar.caption:
        parts.append(el.value)
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(parts)


def test_the_app_opens_on_today_with_counts_in_the_sidebar(app, demo_path):
    at = app.run()

    assert not at.exception
    assert at.title[0].value == "Today"
    assert at.sidebar.caption[0].value.startswith("42 people · ")


def test_the_sidebar_counts_follow_a_write_at_once(app, db_path):
    at = app.run()
    assert at.sidebar.caption[0].value == "0 people · 0 interactions"

    add_person(open_db(db_path), name="Ana Reyes")
    again = AppTest.from_file(APP).run()  # a new session; the cached counts are shared by all of them

    assert again.sidebar.caption[0].value == "1 person · 0 interactions"


def test_a_password_hides_everything_until_it_is_entered(app, demo_path):
    app.secrets["password"] = "correct horse battery"
    at = app.run()

    assert [t.value for t in at.title] == ["Rapport"]
    assert len(at.sidebar.caption) == 0
    assert not any(name in rendered_text(at) for name in DEMO_NAMES)

    at.text_input(key="signin_password").input("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["That password is not right."]
    assert at.title[0].value == "Rapport"

    at.text_input(key="signin_password").input("correct horse battery")
    at.button[0].click().run()
    assert at.title[0].value == "Today"
    assert at.sidebar.caption[0].value.startswith("42 people")


def test_a_page_cannot_be_reached_before_the_password(app, demo_path):
    app.secrets["password"] = "pw"
    at = app.run()

    try:
        at.switch_page("pages/targets.py").run()
    except Exception as e:  # noqa: BLE001 - either refusal is fine, as long as nothing shows
        assert "targets" in str(e).lower() or "page" in str(e).lower()
    assert "Targets" not in [t.value for t in at.title]
    assert not any(name in rendered_text(at) for name in DEMO_NAMES)


def test_a_hosted_copy_warns_that_the_disk_is_temporary(app, db_path, monkeypatch):
    monkeypatch.setenv("RAPPORT_HOSTED", "1")

    at = app.run()

    assert any("disk is wiped" in w.value for w in at.sidebar.warning)


def test_without_a_password_there_is_no_sign_out(app, db_path):
    at = app.run()

    assert [b for b in at.sidebar.button if b.key == "signout"] == []


def test_the_sidebar_count_is_plain_text_even_for_hostile_names(app, db_path):
    add_person(open_db(db_path), name="<img src=x onerror=alert(1)>")

    at = app.run()

    assert at.sidebar.caption[0].value.startswith("1 person ")
    assert not at.exception


OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "id",
        "client_secret": "secret", "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration"}


def test_with_oidc_configured_nothing_shows_until_the_user_is_logged_in(app, demo_path):
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": False}
    at = app.run()

    assert [t.value for t in at.title] == ["Rapport"]
    assert [b.key for b in at.button] == ["signin_oidc"]
    assert not any(name in rendered_text(at) for name in DEMO_NAMES)


def test_with_oidc_a_logged_in_user_sees_the_app(app, demo_path):
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": True, "email": "pat@example.com"}

    at = app.run()

    assert at.title[0].value == "Today"
    assert "signout" in [b.key for b in at.sidebar.button]


def sign_in(at, password: str):
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def test_after_five_wrong_passwords_a_new_session_is_told_to_wait(app, demo_path, fresh_sign_in_bucket):
    app.secrets["password"] = "correct horse battery"
    guesser = app.run()
    for _ in range(5):
        assert [e.value for e in sign_in(guesser, "guess").error] == ["That password is not right."]

    owner = AppTest.from_file(APP, default_timeout=30)  # another browser session, same server process
    owner.secrets["password"] = "correct horse battery"
    owner = sign_in(owner.run(), "correct horse battery")

    assert [e.value for e in owner.error] == [ratelimit.wait_message(10)]
    assert "Wait 10 seconds" in owner.error[0].value
    assert [t.value for t in owner.title] == ["Rapport"]  # not let in, even with the right password
    assert not any(name in rendered_text(owner) for name in DEMO_NAMES)

    fresh_sign_in_bucket[0] += 10  # ten seconds later there is one try, and the right password opens the app
    owner = sign_in(owner, "correct horse battery")
    assert owner.title[0].value == "Today"


def test_a_database_file_that_is_not_exactly_rapports_is_refused_with_a_message(app, db_path):
    add_person(open_db(db_path), name="Ines Okafor-Lindqvist")
    conn = sqlite3.connect(db_path)
    conn.execute("create trigger evil_trigger after insert on interactions begin delete from people; end")
    conn.commit()
    conn.close()
    forget_migrated()

    at = app.run()

    assert not at.exception
    assert len(at.error) == 1 and "a trigger that Rapport does not make: evil_trigger" in at.error[0].value
    assert len(at.sidebar.caption) == 0
    assert "evil_trigger" in {r[0] for r in sqlite3.connect(db_path).execute("select name from sqlite_master")}


class CookieJar:
    """Stands in for the browser: what the session's cookie was at its start, and what the app wrote."""

    def __init__(self, monkeypatch, sent: str | None = None):
        from pages import _signin

        self.sent, self.written = sent, []
        monkeypatch.setattr(_signin, "request_cookie", lambda: self.sent)
        monkeypatch.setattr(_signin, "_set_cookie", lambda data, **kw: self.written.append(data))


def test_the_right_password_sets_a_signed_cookie_that_opens_the_next_session_without_it(app, demo_path, monkeypatch):
    jar = CookieJar(monkeypatch)
    app.secrets["password"] = "pw"
    at = sign_in(app.run(), "pw")

    assert at.title[0].value == "Today"
    [written] = jar.written
    assert written["name"] == "rapport_session" and written["max_age"] == 7 * 86_400

    jar.sent = written["value"]  # a reload: a new session, and the browser sends the cookie
    again = AppTest.from_file(APP, default_timeout=30)
    again.secrets["password"] = "pw"
    again = again.run()
    assert again.title[0].value == "Today"
    assert again.sidebar.caption[0].value.startswith("42 people")


@pytest.mark.parametrize("cookie", ["v1.4102444800." + "0" * 64, "garbage", ""])
def test_a_forged_or_broken_cookie_does_not_open_the_app(app, demo_path, monkeypatch, cookie):
    CookieJar(monkeypatch, sent=cookie)
    app.secrets["password"] = "pw"

    at = app.run()

    assert [t.value for t in at.title] == ["Rapport"]
    assert not any(name in rendered_text(at) for name in DEMO_NAMES)


def test_a_cookie_signed_before_the_password_changed_does_not_open_the_app(app, demo_path, monkeypatch):
    import time

    from core import signin

    CookieJar(monkeypatch, sent=signin.make_token(signin.signing_key("old password"), time.time(), 86_400))
    app.secrets["password"] = "new password"

    assert [t.value for t in app.run().title] == ["Rapport"]


def test_with_stay_signed_in_days_0_no_cookie_is_written(app, demo_path, monkeypatch):
    jar = CookieJar(monkeypatch)
    app.secrets["password"] = "pw"
    app.secrets["stay_signed_in_days"] = 0

    at = sign_in(app.run(), "pw")

    assert at.title[0].value == "Today"
    assert jar.written == []


def test_a_cookie_does_not_spend_the_sign_in_tries(app, demo_path, monkeypatch, fresh_sign_in_bucket):
    import time

    from core import signin

    CookieJar(monkeypatch, sent=signin.make_token(signin.signing_key("pw"), time.time(), 86_400))
    for _ in range(8):
        session = AppTest.from_file(APP, default_timeout=30)
        session.secrets["password"] = "pw"
        assert session.run().title[0].value == "Today"

    assert ratelimit.SIGN_IN.wait_seconds() == 0.0
