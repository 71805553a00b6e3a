"""Outgoing mail: credential links and invitations reach people only through their own mailbox."""
