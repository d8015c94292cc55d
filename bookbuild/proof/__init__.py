"""Proofing on e-readers: Kobo and Kindle editions, device renderings, print spreads, sideload.

Only bookbuild.proof.render, .overflow, .spreads and .contact need PyMuPDF (AGPL, the `proof`
extra); they are imported when a proof is rendered, never by the core.
"""
