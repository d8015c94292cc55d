from bookbuild.support.words import counted, visible


def test_counted():
    assert counted(1, "warning") == "1 warning"
    assert counted(2, "info", "info") == "2 info"


def test_controls_and_bidi_overrides_are_shown_as_escapes():
    assert visible("jav\tascript:") == "jav\\tascript:"
    assert visible("a\x1b[2Jb\nc") == "a\\x1b[2Jb\\nc"
    assert visible("file\u202egpj.exe") == "file\\u202egpj.exe"
    assert visible("\x85") == "\\x85"


def test_readable_text_is_left_alone():
    text = "Ленин «Советская власть» ‘quoted’ — عربي 中文 e\u0301"
    assert visible(text) == text
