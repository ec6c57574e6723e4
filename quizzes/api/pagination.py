"""Page-number pagination that takes only a page number.

DRF's own treats an empty ``?page=`` as page 1 and ``?page=last`` as the last page; the
schema promises an integer, so anything but digits is an invalid page (404, like a page
past the end).
"""

from __future__ import annotations

import re

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

DIGITS = re.compile(r"[0-9]{1,9}")


class PageNumberPagination(pagination.PageNumberPagination):
    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        value = request.query_params.get(self.page_query_param)
        if value is not None and not DIGITS.fullmatch(value):
            raise NotFound(_("Invalid page: give a page number."))
        return super().get_page_number(request, paginator)
