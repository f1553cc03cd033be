"""Text that must never become a link or markup when a page repeats it (a link's values, an
upload's names): shared by the browser check and its positive-case app."""

HOSTILE_TEXTS = (
    "[free exam answers](https://evil.example/x)",   # a Markdown link
    "https://evil.example/x",                        # a bare address (an autolink)
    "see www.evil.example/x now",                    # the www. form
    "write to bob@evil.example",                     # an e-mail address
    "xmpp:bob@evil.example",
    '<a href="https://evil.example/x">x</a><img src=x onerror="alert(1)"><b id=inj>b</b>',
    "![pic](https://evil.example/x.png)",
    "x" * 10_000,                                    # a 10 kB value
)
