"""Consent (Einwilligung), confidentiality release (Schweigepflichtentbindung) per recipient,
the one disclosure gate and the disclosure register."""
