"""Exports: citations in CSL styles, reference-manager formats, W3C PROV, tables and reports."""
