"""Spreadsheets in: the import kinds' columns (columns), one cell made exact (cells), the
file formats read as a stream of rows (readers: CSV in any of four encodings, XLSX
read-only), the highlighted errors copy and the rejected rows written back (marking),
and the empty workbooks people fill in (templates).

Like the storage adapters, these know file formats and nothing of the ledger's rules:
api/usecases/imports.py joins them to the ledger. Human text is in api/sheets/text.py.
"""
