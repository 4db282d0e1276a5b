"""fonds."""
