"""A page of a queryset with GOV.UK pagination links that keep the filters in the query string."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator


@dataclass
class PageLinks:
    page: object
    items: list[dict]
    previous_href: str | None
    next_href: str | None

    @property
    def showing_from(self) -> int:
        return self.page.start_index()

    @property
    def showing_to(self) -> int:
        return self.page.end_index()

    @property
    def count(self) -> int:
        return self.page.paginator.count


def _page_href(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()


def paginate(request, queryset, per_page: int) -> PageLinks:
    """A page of ``queryset`` (one count(*) and one page query) with GOV.UK pagination links
    that keep the filters in the query string."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": _page_href(request, number), "current": number == page.number})
    return PageLinks(
        page=page,
        items=items,
        previous_href=_page_href(request, page.previous_page_number()) if page.has_previous() else None,
        next_href=_page_href(request, page.next_page_number()) if page.has_next() else None,
    )
