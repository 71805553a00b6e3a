"""First-party plugins. Each sub-package is self-contained and never imports another plugin."""
