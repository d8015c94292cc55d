"""Writes manuscript/chapters/01-too-wide.md: run from the repository root."""

long_code = "result = compute_everything(" + ", ".join(f"argument_{i}" for i in range(14)) + ")  # " + "x" * 20
nospace = "0123456789abcdef" * 13
assert len(long_code) >= 200, len(long_code)
url = "https://example.org/archive/" + "/".join(f"volume-{i:02d}" for i in range(8)) + "/index.html?page=1&size=large"
url = url + "&x=" + "y" * (150 - len(url) - 3)
assert len(url) == 150, len(url)
words = ["Antidisestablishmentarianism", "Floccinaucinihilipilification", "Pneumonoultramicroscopic",
         "Supercalifragilistic", "Incomprehensibilities", "Uncharacteristically",
         "Counterrevolutionaries", "Electroencephalograph", "Internationalization",
         "Misunderstandingly", "Overintellectualized", "Deinstitutionalization"]
head = "| " + " | ".join(f"Column {i+1}" for i in range(12)) + " |"
rule = "|" + "---|" * 12
rows = ["| " + " | ".join(words[(i + r) % 12] for i in range(12)) + " |" for r in range(3)]
wide_cols = ["Name", "Description of the item", "Quantity ordered", "Unit price", "Total price", "Warehouse"]
shrink = ["| " + " | ".join(wide_cols) + " |", "|" + "---|" * 6,
          "| Lamp | A brass reading lamp with a green shade | 12 | 40.00 | 480.00 | North |"]
text = f"""# Too Wide for the Page

A code block with a line of {len(long_code)} characters:

```
short line first
{long_code}
{nospace}
last line
```

A link whose address is {len(url)} characters long: <{url}>.

A long word with no hyphenation points: {nospace}.

A table of twelve columns of long words:

{head}
{rule}
""" + "\n".join(rows) + """

A table of five columns of long words, which fits the page turned:

""" + "\n".join(["| " + " | ".join(f"Heading {i+1}" for i in range(5)) + " |", "|" + "---|" * 5]
              + ["| " + " | ".join(words[(i + r) % 12] for i in range(5)) + " |" for r in range(2)]) + """

A table a little too wide, which is set smaller:

""" + "\n".join(shrink) + """

A picture 3000 pixels wide:

![A wide test picture.](images/wide.png)

> A quotation holding a picture as wide as the text block:
>
> ![The wide picture again, in a quotation.](images/wide.png)
"""
open("tests/books/overflow/manuscript/chapters/01-too-wide.md", "w").write(text)
