"""Survey definitions: schema, loader, Babel extraction and the stored registry."""
