"""A manuscript as authors format one by hand, written as a flat OpenDocument file: chapter
titles as centred lines after page breaks (no heading styles), scene breaks as runs of empty
lines, and, when asked, a tracked insertion, a tracked deletion and a comment."""

from __future__ import annotations

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>Salt and Iron</dc:title><meta:initial-creator>Tomas Brand</meta:initial-creator>
<dc:language>de-DE</dc:language></office:meta>
<office:styles>
 <style:default-style style:family="paragraph"><style:text-properties fo:language="de" fo:country="DE"/></style:default-style>
 <style:style style:name="Standard" style:family="paragraph"/>
</office:styles>
<office:automatic-styles>
 <style:style style:name="Chapter" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:break-before="page"/>
 </style:style>
 <style:style style:name="Centre" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
 </style:style>
</office:automatic-styles>
<office:body><office:text>
"""

CHANGES = """<text:tracked-changes>
 <text:changed-region text:id="ct1"><text:insertion><office:change-info>
  <dc:creator>Editor</dc:creator><dc:date>2026-11-01T10:00:00</dc:date></office:change-info>
 </text:insertion></text:changed-region>
 <text:changed-region text:id="ct2"><text:deletion><office:change-info>
  <dc:creator>Editor</dc:creator><dc:date>2026-11-01T10:01:00</dc:date></office:change-info>
  <text:p>very </text:p></text:deletion></text:changed-region>
</text:tracked-changes>
"""


def flat_odt(changes: bool = False) -> str:
    p = '<text:p text:style-name="Standard">{}</text:p>'
    empty = '<text:p text:style-name="Standard"/>'
    body = [
        '<text:p text:style-name="Centre">Für meine Schwester</text:p>',
        '<text:p text:style-name="Chapter">Der Hafen</text:p>',
        p.format("Die Schiffe lagen still im Hafen, und der Wind war kalt."),
        p.format("Niemand sprach von der Reise."),
        empty, empty, empty,
        p.format("Am Morgen fuhren sie hinaus."),
        '<text:p text:style-name="Chapter">Das Meer</text:p>',
        p.format("Das Meer war grau" + (
            '<text:change-start text:change-id="ct1"/> und weit<text:change-end '
            'text:change-id="ct1"/>' if changes else "") + "."),
        p.format("Es war " + ('<text:change text:change-id="ct2"/>' if changes else "")
                 + "kalt." + ('<office:annotation><dc:creator>Editor</dc:creator>'
                              '<text:p>Kälter?</text:p></office:annotation>' if changes else "")),
        '<text:p text:style-name="Chapter">Danksagung</text:p>',
        p.format("Ich danke den Fischern von Husum."),
    ]
    return HEAD + (CHANGES if changes else "") + "\n".join(body) + \
        "\n</office:text></office:body></office:document>\n"
