"""What the pagination macro (templates/_macros/forms.html) reads of a page of results, beyond `page`,
`pages` (None when unknown) and `has_next`, which each kind of list defines itself."""


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
