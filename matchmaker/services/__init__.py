"""Use cases: one function per thing a user does. They check permission, open the transaction and audit."""
