from bookbuild.convert import pandoc
from bookbuild.convert.comments import readable

# As the French and Japanese Rust books comment out the English they translate.
NESTED = ("Before.\n\n<!--\nThe user [x](#gone)<!--\nignore -- >: if the user\n-->\n\n"
          "After.\n")


def test_a_comment_holding_a_nested_one_is_dropped_whole():
    html = pandoc.convert([readable(NESTED)], ["a.md"])[0]
    assert "Before." in html and "After." in html
    assert "gone" not in html and "ignore" not in html and "<!" not in html


def test_without_the_fix_pandoc_prints_the_comment():
    # The reason for readable(): if pandoc learns to read these, it can go.
    import subprocess

    plain = subprocess.run([pandoc.pandoc_path(), "-f", "markdown", "-t", "html5"],
                           input=NESTED, capture_output=True, text=True, check=True).stdout
    assert "ignore" in plain


def test_lines_and_code_are_kept():
    code = "```html\n<!-- a -- > b -->\n```\n"
    assert readable(code) == code
    fixed = readable(NESTED)
    assert fixed.count("\n") == NESTED.count("\n") and fixed != NESTED
    assert readable("Text <!-- inline -- > -->\n") == "Text <!-- inline -- > -->\n"
    assert readable("<!-- never closed -- >\n") == "<!-- never closed -- >\n"


def test_a_problem_is_placed_where_the_built_text_is_not_where_it_was_commented_out():
    from bookbuild.convert.html import line_of

    text = "<!--\n![old](a.png)\n-->\n\n![new](a.png)\n"
    assert line_of(text, "a.png") == 5
