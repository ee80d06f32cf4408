"""Output adapters: spreadsheets (XLSX, CSV) and PDF documents (tables, payslips, decision
letters) written from plain data the use cases prepare.

They sit beside api/storage, below the use cases: the use cases decide what a document
says, these modules only lay it out in a file format, so they import neither a use case
nor a shell (tests/unit/test_documents_layer.py keeps it so).
"""
