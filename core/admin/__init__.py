"""Local administration of one tenant: plugins, users and roles, org units, branding."""
