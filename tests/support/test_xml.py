"""The one safe XML parser: no entity is expanded or fetched, comments are kept."""

from __future__ import annotations

import pytest
from lxml import etree

from bookbuild.support import xml


def test_an_external_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", "utf-8")
    data = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
            f"<r>&x;</r>").encode()
    try:
        root = xml.parse(data)
    except etree.XMLSyntaxError:
        return  # refused outright: as safe
    assert "the secret" not in etree.tostring(root, encoding="unicode")


def test_comments_are_kept_and_namespaces_are_one_set():
    root = xml.parse(f'<html xmlns="{xml.XHTML_NS}"><!-- kept --><p/></html>')
    assert isinstance(root[0], etree._Comment)
    assert root.tag == f"{{{xml.XHTML_NS}}}html"


def test_not_xml_is_a_syntax_error():
    with pytest.raises(etree.XMLSyntaxError):
        xml.parse(b"<p>unclosed")
