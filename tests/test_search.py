"""Finding a household in scope: address, resident name, last 4 digits of a phone or an ID."""

import pytest


@pytest.mark.parametrize("q", ["101室", "张三", "5678", "1237", "2222", "1幢 101", "张三 101室"])
def test_worker_finds_own_household(tree, login_as, q):
    """Address, name, phone tail, ID tail, household phone tail, and several words (each in
    the address or a name) all find household A."""
    client = login_as(tree.worker_a)
    page = client.get(f"/search/?q={q}").get_data(as_text=True)
    assert f"/households/{tree.household_a.id}" in page


def test_search_stays_in_scope(tree, login_as):
    """A name in grid B is not found by a worker of grid A."""
    client = login_as(tree.worker_a)
    page = client.get("/search/?q=李四").get_data(as_text=True)
    assert f"/households/{tree.household_b.id}" not in page and "未找到" in page


def test_active_search_returns_the_fragment(tree, login_as):
    """With htmx the answer is only the results list."""
    client = login_as(tree.admin)
    response = client.get("/search/?q=室", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="results"' in body
    assert f"/households/{tree.household_a.id}" in body
    assert f"/households/{tree.household_b.id}" in body


def test_wildcards_are_taken_literally(tree, login_as):
    """A % in the query matches a percent sign, not everything."""
    client = login_as(tree.admin)
    page = client.get("/search/?q=%25").get_data(as_text=True)
    assert f"/households/{tree.household_a.id}" not in page


@pytest.mark.parametrize("q", ["张三", "1237", "5678"])
def test_a_result_names_the_resident_it_found(tree, login_as, q):
    """Searching by a name, an ID tail or a phone tail: the result names 张三, the resident who
    matched, not only the address."""
    page = login_as(tree.worker_a).get(f"/search/?q={q}").get_data(as_text=True)
    assert "<b>张三</b>" in page


def test_a_result_found_by_its_address_names_nobody(tree, login_as):
    """Found by the address, the household's row names no resident."""
    page = login_as(tree.worker_a).get("/search/?q=101室").get_data(as_text=True)
    assert f"/households/{tree.household_a.id}" in page and "<b>" not in page
