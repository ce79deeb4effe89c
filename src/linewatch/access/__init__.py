"""Access: accounts, sessions and second factors; roles, purposes and the data-sharing agreements
(as data); the scope of records and properties each user may see."""
