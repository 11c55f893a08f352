"""Users, roles, login, personal API tokens, and the one module with role and scope checks."""
