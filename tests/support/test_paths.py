import pytest

from bookbuild.support.paths import UnsafePath, inside, slugify


def test_inside_resolves_under_base(tmp_path):
    (tmp_path / "assets/images").mkdir(parents=True)
    assert inside(tmp_path, "images/a.jpg", "assets") == tmp_path / "assets/images/a.jpg"


@pytest.mark.parametrize("bad", ["/etc/passwd", "../secret", "images/../../x", "C:\\x", ""])
def test_inside_refuses_escapes(tmp_path, bad):
    with pytest.raises(UnsafePath):
        inside(tmp_path, bad, "assets")


def test_inside_refuses_symlink_out(tmp_path):
    book = tmp_path / "book"
    (book / "assets").mkdir(parents=True)
    (tmp_path / "outside.jpg").write_bytes(b"x")
    (book / "assets/link.jpg").symlink_to(tmp_path / "outside.jpg")
    with pytest.raises(UnsafePath, match="symlink"):
        inside(book, "link.jpg", "assets")


@pytest.mark.parametrize("text,slug", [("When Lenin Proclaimed Soviet Power",
                                        "when-lenin-proclaimed-soviet-power"),
                                       ("Ça va? Été!", "ca-va-ete"), ("Война и мир", "voyna-i-mir"),
                                       ("The Keeper's Lamp", "the-keepers-lamp"),
                                       ("Ὀδύσσεια", "odysseia"), ("!!!", "book")])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugs_spell_letters_as_their_language_does():
    assert slugify("Handbuch für die Straße", language="de") == "handbuch-fuer-die-strasse"
    assert slugify("Handbuch für die Straße") == "handbuch-fur-die-strasse"
    assert slugify("Blåbærsyltetøj", language="da") == "blaabaersyltetoej"
