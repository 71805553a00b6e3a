"""Data protection: the personal-data registry, retention (Löschkonzept), erasure and
anonymisation, data-subject requests (Art. 15–18) and the records of processing (Art. 30)."""
