"""Messages to participants (SMS or e-mail, with their consent) and to staff (e-mail):
written to an outbox in the transaction of the change that causes them, delivered
by a job queue (procrastinate), kept in a log per participant."""
