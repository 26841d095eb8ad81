"""formlang: a declarative language for administrative forms."""
