"""Customer notifications for field-service bookings: a sibling domain of the routing engine.

Customers with a booking get email and SMS about it (reminder, traveling, completed, rescheduled,
canceled), each with a portal link whose code staff control; staff see every message's state.

- rules, one file per concern, pure and clock-free: `status` (booking lifecycle), `triggers`
  (which change notifies whom), `exclusion` (who must not be told), `schedule` (daily run, quiet
  hours), `delivery` (outbox states, backoff)
- durable state: `store` and `records` (its own tables in the server's SQLite file)
- thin I/O: `service` (commands), `dispatch` (outbox worker), `channels` (SMTP, SMS over HTTP),
  `render` (templates), `portal` (codes and the customer's page), `conversation` (an SMS reply
  handed to the routing engine), `desk` (all of it put together, and the protocol requests)
"""
