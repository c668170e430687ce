"""What the pagination macro (templates/_macros/forms.html) reads of a page of results, beyond `page`,
`pages` (None when unknown) and `has_next`, which each kind of list defines itself."""
from __future__ import annotations

import math
from dataclasses import dataclass, field


class Pager:
    page: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass
class ResultPage(Pager):
    """A page of a list whose total is known: the page's items, worked out by the caller."""
    items: list
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
