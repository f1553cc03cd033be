"""The pages of the dashboard, in lecture order: one table read by the router (app.py) and
by the home page, so the two can never disagree. A page is listed only when it works."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    path: str
    title: str
    icon: str
    section: str
    lecture: str
    summary: str
    #: "module:function" that trains the page's default configuration, run in the background
    #: at server start so the first visitor does not wait for TensorFlow to compile.
    warm_up: str = ""

    @property
    def url_path(self) -> str:
        return self.path.removeprefix("pages/").removesuffix(".py")


PAGES: tuple[PageInfo, ...] = (
    PageInfo("pages/xor.py", "XOR", ":material/join_inner:", "Why networks need depth",
             "Non-linear network models, XOR example",
             "Why no line separates XOR, the lecture's hand-set ReLU network step by step "
             "(editable), trained networks replayed epoch by epoch, and how many hidden units "
             "it takes.", warm_up="core.xor:warm_up"),
)
