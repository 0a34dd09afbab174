"""format=html: only the text between tags is sent for translation, and the markup comes back as it was."""
import pytest

from summarize.service.markup import rejoin, split_markup, text_nodes


@pytest.mark.parametrize("markup, texts", [
    ("<p>one <b>two</b></p>", ["one", "two"]),
    ('<a href="x>y" title=\'a > b\'>link</a>', ["link"]),
    ("<!-- a comment --><p>text</p>", ["text"]),
    ("<style>p { color: red }</style><script>if (a < b) {}</script>after", ["after"]),
    ('<div translate="no">name <i>inner</i></div><p>free</p>', ["free"]),
    ("<ul><li>one<li>two</ul>three", ["one", "two", "three"]),
    ("line<br>next<img src=a.png>last", ["line", "next", "last"]),
    ("<p>  </p><p>12 345</p>", []),  # no letters: nothing to translate
    ("Tom &amp; Jerry", ["Tom & Jerry"]),
])
def test_text_nodes(markup, texts):
    pieces, wanted, found = text_nodes(markup)
    assert "".join(pieces) == markup
    assert found == texts


def test_rejoin_keeps_markup_and_whitespace_and_escapes():
    markup = '<p class="a">  one <b>two</b>\n</p><script>var s = "<x>";</script>'
    pieces, wanted, found = text_nodes(markup)
    assert rejoin(pieces, wanted, ["1 < 2", "3 & 4"]) == \
        '<p class="a">  1 &lt; 2 <b>3 &amp; 4</b>\n</p><script>var s = "<x>";</script>'


def test_rejoin_wants_one_english_per_node():
    pieces, wanted = split_markup("<p>a</p><p>b</p>")
    with pytest.raises(ValueError):
        rejoin(pieces, wanted, ["only one"])
