"""JSON Schemas of the documents the commands print with --format json (see fullemp_xl.core.jsondoc)."""
