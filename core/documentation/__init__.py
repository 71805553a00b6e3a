"""Documentation of a case: journal (Verlaufsdokumentation) and attachments."""
