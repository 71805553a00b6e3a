"""The start of the installation (tenant list) and each tenant's start page."""
