"""The bell, the list page, read marks and following an entry."""

import pytest
from django.urls import reverse
from django.utils import timezone

from esurat.notifications.models import Notification

pytestmark = pytest.mark.django_db


def make(user, n=1, **fields):
    rows = [
        Notification(user=user, kind="inbox_to", channel="inapp", event=f"e{i}",
                     key=f"e{i}:{user.pk}:inapp", title=f"Surat {i}", url="/letters/inbox/",
                     state="sent", created_at=timezone.now(), **fields)
        for i in range(n)
    ]  # fmt: skip
    Notification.objects.bulk_create(rows)
    return list(Notification.objects.filter(user=user).order_by("pk"))


def test_it_shows_the_bell_with_the_unread_count(client, city):
    user = city.users["kadis.pupr"]
    make(user, 3)
    client.force_login(user)
    page = client.get(reverse("letters:inbox")).content.decode()
    assert 'aria-label="Notifications, 3 unread"' in page
    assert page.count('href="/notifications/"') == 2  # top bar and phone tab bar


def test_it_lists_newest_first_in_pages_with_a_fixed_number_of_queries(
    client, city, django_assert_max_num_queries
):
    user = city.users["kadis.pupr"]
    make(user, 30)
    make(city.users["sekda"], 2)
    client.force_login(user)
    client.get(reverse("notifications:list"))  # warm the session
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:list"))
    page = response.context["page"]
    assert [n.title for n in page.items][:2] == ["Surat 29", "Surat 28"]
    assert len(page.items) == 25 and page.next_cursor
    older = client.get(reverse("notifications:list"), {"after": page.next_cursor})
    assert [n.title for n in older.context["page"].items] == [
        f"Surat {i}" for i in range(4, -1, -1)
    ]


def test_it_marks_one_read_with_htmx(client, city):
    user = city.users["kadis.pupr"]
    (row,) = make(user)
    client.force_login(user)
    response = client.post(reverse("notifications:read", args=[row.code]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Surat 0" in response.content.decode()
    assert "Mark read" not in response.content.decode()
    row.refresh_from_db()
    assert row.read_at is not None
    # Both bells come back out of band with the new count (none unread: no badge).
    page = response.content.decode()
    assert page.count('hx-swap-oob="true"') == 2
    assert 'id="bell-top"' in page and 'id="bell-tab"' in page and "nav-count" not in page


def test_it_marks_all_read(client, city):
    user, other = city.users["kadis.pupr"], city.users["sekda"]
    make(user, 3)
    make(other, 1)
    client.force_login(user)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1


def test_it_follows_an_entry_to_its_item_and_marks_it_read(client, city):
    user = city.users["kadis.pupr"]
    (row,) = make(user)
    client.force_login(user)
    response = client.get(reverse("notifications:go", args=[row.code]))
    assert response.status_code == 302 and response["Location"] == "/letters/inbox/"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("name,method", [("read", "post"), ("go", "get")])
def test_it_answers_not_found_for_another_persons_notification(client, city, name, method):
    (row,) = make(city.users["sekda"])
    client.force_login(city.users["kadis.pupr"])
    response = getattr(client, method)(reverse(f"notifications:{name}", args=[row.code]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_it_refuses_the_wrong_method(client, city):
    (row,) = make(city.users["kadis.pupr"])
    client.force_login(city.users["kadis.pupr"])
    assert client.get(reverse("notifications:read", args=[row.code])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert client.post(reverse("notifications:list")).status_code == 405


def test_it_asks_for_a_login(client, city):
    (row,) = make(city.users["kadis.pupr"])
    for url in (reverse("notifications:list"), reverse("notifications:go", args=[row.code])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("notifications:read", args=[row.code]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.read_at is None
